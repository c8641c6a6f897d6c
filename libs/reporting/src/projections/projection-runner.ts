import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { Messaging } from '@umbrella/messaging';
import { CodedHttpException, Database } from '@umbrella/platform';
import { REPORTING_INBOX } from './projections.message.controller';
import { PROJECTION_TABLES } from './referral-facts.projection';

export const REPORTING_CONSUMER = REPORTING_INBOX.name;
export const REPORTING_TOPICS = REPORTING_INBOX.topics;

/**
 * Rebuilds the projections: stop consuming, move the group's offsets back
 * to the beginning of the topics, empty the projection tables with the consumer's inbox and
 * dead-letter rows, start again. Reporting runs as one instance: while another member is in the
 * group Kafka refuses the reset, and the rebuild answers 409 having changed nothing.
 */
@Injectable()
export class ProjectionRunner {
  private rebuilding: Promise<void> | null = null;
  private readonly logger = new Logger('ProjectionRunner');

  constructor(
    private readonly messaging: Messaging,
    private readonly database: Database,
  ) {}

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
    const consumer = this.messaging.consumerNamed(REPORTING_CONSUMER);
    if (!consumer) throw new Error(`${REPORTING_CONSUMER} is not consuming: its transport strategy was not attached`);
    await consumer.stop();
    try {
      // Offsets first: Kafka refuses to move them while another member is in the group, and then
      // nothing has been emptied yet. Once they are back at zero, the tables can go.
      const admin = this.messaging.kafka.admin();
      await admin.connect();
      try {
        for (const topic of REPORTING_TOPICS) await admin.resetOffsets({ groupId: REPORTING_CONSUMER, topic, earliest: true });
      } catch (error) {
        throw new CodedHttpException(
          HttpStatus.CONFLICT,
          'REPORT.REBUILD_GROUP_ACTIVE',
          `Another reporting instance is consuming as ${REPORTING_CONSUMER}; stop it before rebuilding. Nothing was changed.`,
          [(error as Error).message],
        );
      } finally {
        await admin.disconnect();
      }
      await this.database.dataSource.transaction(async (tx) => {
        await tx.query(`TRUNCATE ${PROJECTION_TABLES.join(', ')}`);
        await tx.query('DELETE FROM inbox WHERE consumer = $1', [REPORTING_CONSUMER]);
        // a replay dead-letters the same bad messages again, with their reasons
        await tx.query('DELETE FROM dead_letter WHERE consumer = $1', [REPORTING_CONSUMER]);
      });
      this.logger.log('projections emptied; re-reading the topics from the beginning');
    } finally {
      consumer.start();
    }
  }
}
