import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ALL_TOPICS, PlatformEvent } from '@umbrella/contracts';
import { Database, HealthRegistry, sleep, withTimeout } from '@umbrella/platform';
import { Kafka, logLevel } from 'kafkajs';
import { InboxConsumer, InboxConsumerOptions } from './inbox-consumer';
import { createKafka } from './kafka';
import { OutboxRelay } from './outbox-relay';
import { provisionTopics } from './topics';

export interface MessagingOptions {
  readonly brokers: string[];
  /** The service's name; with the instance id it names the Kafka clients. */
  readonly clientId: string;
  /** Services that publish run an outbox relay. */
  readonly publishes: boolean;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

/**
 * The service's link to Kafka: provisions topics, runs the outbox relay and the inbox consumers
 * once the database is ready, reports Kafka on /health, and drains everything on shutdown.
 */
@Injectable()
export class Messaging implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly kafka: Kafka;
  readonly relay: OutboxRelay | null;
  private readonly consumers: Pick<InboxConsumer, 'name' | 'counts' | 'start' | 'stop'>[] = [];
  private readonly logger = new Logger('Messaging');
  private readonly probe: Kafka;
  private lastProbe = { at: 0, up: false };
  private stopping = false;
  /** Set once topics exist and the database is ready: consumers registered later start at once. */
  private consuming = false;
  private started: Promise<void> | null = null;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly database: Database,
    health: HealthRegistry,
  ) {
    this.kafka = createKafka({ brokers: options.brokers, clientId: options.clientId });
    this.probe = new Kafka({ clientId: `${options.clientId}-health`, brokers: options.brokers, logLevel: logLevel.NOTHING, connectionTimeout: 1000, retry: { retries: 0 } });
    this.relay = options.publishes ? new OutboxRelay(database.dataSource, this.kafka, { name: options.clientId }) : null;
    // Reported, but not required for readiness: while Kafka is down the outbox still accepts work.
    health.register({ name: 'kafka', requiredForReadiness: false, check: () => this.kafkaUp() });
  }

  /** Registers a consumer; it starts with the others once the database and topics are ready. */
  registerConsumer<E extends PlatformEvent>(options: InboxConsumerOptions<E>): InboxConsumer<E> {
    const consumer = new InboxConsumer<E>(this.database.dataSource, this.kafka, options);
    this.consumers.push(consumer);
    if (this.consuming && !this.stopping) consumer.start();
    return consumer;
  }

  /** A registered consumer by its group name: operations (a projection rebuild) stop and start it. */
  consumerNamed(name: string): Pick<InboxConsumer, 'name' | 'start' | 'stop'> | undefined {
    return this.consumers.find((c) => c.name === name);
  }

  consumerCounts(): { name: string; counts: Record<string, number> }[] {
    return this.consumers.map((c) => ({ name: c.name, counts: { ...c.counts } }));
  }

  onApplicationBootstrap(): void {
    this.started = this.startWhenReady();
  }

  private async startWhenReady(): Promise<void> {
    await this.database.whenReady();
    for (let attempt = 1; !this.stopping; attempt += 1) {
      try {
        await provisionTopics(this.kafka, ALL_TOPICS);
        break;
      } catch (error) {
        this.logger.warn(`cannot provision topics yet (attempt ${attempt}): ${(error as Error).message}; retrying`);
        await sleep(Math.min(1000 * attempt, 5000));
      }
    }
    if (this.stopping) return;
    this.relay?.start();
    this.consuming = true;
    for (const consumer of this.consumers) consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.consumers.map((c) => c.stop()));
    await this.relay?.stop();
  }

  private async kafkaUp(): Promise<boolean> {
    if (Date.now() - this.lastProbe.at < 2000) return this.lastProbe.up;
    const admin = this.probe.admin();
    let up = false;
    try {
      await withTimeout(admin.connect(), 2000);
      const cluster = await withTimeout(admin.describeCluster(), 2000);
      up = cluster.brokers.length > 0;
    } catch {
      up = false;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    this.lastProbe = { at: Date.now(), up };
    return up;
  }
}

