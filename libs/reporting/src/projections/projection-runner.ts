import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { TOPICS } from '@umbrella/contracts';
import { InboxConsumer, Messaging } from '@umbrella/messaging';
import { Database } from '@umbrella/platform';
import { PROJECTION_HANDLERS, PROJECTION_TABLES } from './referral-facts.projection';

export const REPORTING_CONSUMER = 'reporting.projections';
export const REPORTING_TOPICS = [TOPICS.referrals.name, TOPICS.agencies.name, TOPICS.clients.name];

/**
 * Runs the projections' consumer, and rebuilds them: stop consuming, empty the projection tables
 * with the consumer's inbox and dead-letter rows, move the group's offsets back to the beginning
 * of the topics, start again. Reporting runs as one instance: a second one would keep consuming
 * in the same group while the offsets are reset, so a rebuild refuses to run concurrently.
 */
@Injectable()
export class ProjectionRunner implements OnModuleInit {
  private consumer!: InboxConsumer;
  private rebuilding: Promise<void> | null = null;
  private readonly logger = new Logger('ProjectionRunner');

  constructor(
    private readonly messaging: Messaging,
    private readonly database: Database,
  ) {}

  onModuleInit(): void {
    this.consumer = this.messaging.registerConsumer({ name: REPORTING_CONSUMER, topics: REPORTING_TOPICS, handlers: PROJECTION_HANDLERS });
  }

  get isRebuilding(): boolean {
    return this.rebuilding !== null;
  }

  /** Resolves once the projections are empty and the consumer re-reads from offset zero. */
  async rebuild(): Promise<void> {
    if (this.rebuilding) return this.rebuilding;
    this.rebuilding = this.reset().finally(() => (this.rebuilding = null));
    return this.rebuilding;
  }

  private async reset(): Promise<void> {
    await this.consumer.stop();
    try {
      await this.database.dataSource.transaction(async (tx) => {
        await tx.query(`TRUNCATE ${PROJECTION_TABLES.join(', ')}`);
        await tx.query('DELETE FROM inbox WHERE consumer = $1', [REPORTING_CONSUMER]);
        // a replay dead-letters the same bad messages again, with their reasons
        await tx.query('DELETE FROM dead_letter WHERE consumer = $1', [REPORTING_CONSUMER]);
      });
      const admin = this.messaging.kafka.admin();
      await admin.connect();
      try {
        for (const topic of REPORTING_TOPICS) await admin.resetOffsets({ groupId: REPORTING_CONSUMER, topic, earliest: true });
      } finally {
        await admin.disconnect();
      }
      this.logger.log('projections emptied; re-reading the topics from the beginning');
    } finally {
      this.consumer.start();
    }
  }
}
