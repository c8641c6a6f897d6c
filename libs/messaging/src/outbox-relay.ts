import { Logger } from '@nestjs/common';
import { sleep } from '@umbrella/platform';
import { Kafka, Partitioners, Producer } from 'kafkajs';
import { DataSource, QueryRunner } from 'typeorm';
import { RelayLedger } from './relay-ledger';
import { Wakeable } from './wakeable';

export interface OutboxRelayOptions {
  /** Names the relay in logs. */
  readonly name: string;
  readonly batchSize?: number;
  /** Poll interval when idle; a local commit nudges the relay, so this only bounds cross-instance latency. */
  readonly idlePollMs?: number;
  /** How often a standby instance checks whether the leader is gone. */
  readonly standbyPollMs?: number;
  /**
   * How long the relay waits, once woken, before reading the outbox, so the commits of concurrent
   * requests go to Kafka in one request instead of one each (default 3 ms).
   */
  readonly lingerMs?: number;
  /**
   * Events per Kafka request within a batch (default 100); each acknowledged part is marked at
   * once, so a failure later in the batch sends again only what was not acknowledged.
   */
  readonly sendChunkSize?: number;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  event_id: string;
  event_type: string;
  envelope: string;
}

/** Advisory-lock key: one relay per database publishes at a time, which keeps each key's events in order. */
const RELAY_LOCK = 7_211_002;

/**
 * Publishes the outbox to Kafka in commit order. Several instances may run: the one holding the
 * advisory lock publishes, the others stand by. A row is marked only after Kafka acknowledged it,
 * part by part: rows acknowledged but not marked (the database failed in between) are remembered
 * and marked before anything is read or sent again, not republished. A crash between send and mark
 * republishes them (at-least-once); consumers deduplicate on the event id.
 */
export class OutboxRelay {
  private readonly logger: Logger;
  private readonly wakeable = new Wakeable();
  private readonly producer: Producer;
  private runner: QueryRunner | null = null;
  private leader = false;
  private producerConnected = false;
  private running = false;
  private loop: Promise<void> | null = null;
  private failures = 0;
  private lastPurge = 0;
  private readonly ledger = new RelayLedger();
  /** Events Kafka acknowledged from this instance. */
  published = 0;

  constructor(
    private readonly dataSource: DataSource,
    kafka: Kafka,
    private readonly options: OutboxRelayOptions,
  ) {
    this.logger = new Logger(`OutboxRelay:${options.name}`);
    // One request in flight keeps each partition in order across retries; duplicates a retry may
    // cause are harmless, since delivery is at-least-once and consumers deduplicate anyway.
    this.producer = kafka.producer({
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
  }

  get isLeader(): boolean {
    return this.leader;
  }

  /** Events this instance sent again after a send that failed, or found already published by another instance after sending them. */
  get republished(): number {
    return this.ledger.republished;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Called after a local commit wrote to the outbox. */
  nudge(): void {
    this.wakeable.nudge();
  }

  /** Finishes the batch in flight, then lets another instance take over. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeable.nudge();
    await this.loop;
    // what Kafka has is marked now, so the next leader does not send it again
    if (this.ledger.toMark.length > 0) await this.markAcknowledged().catch(() => undefined);
    await this.resign();
    if (this.producerConnected) await this.producer.disconnect().catch(() => undefined);
    this.producerConnected = false;
  }

  /** Publishes at most one batch; returns how many events it published. Exposed for tests. */
  async publishBatch(): Promise<number> {
    try {
      return await this.sendBatch();
    } catch (error) {
      await this.recover(error);
      throw error;
    }
  }

  private async sendBatch(): Promise<number> {
    // rows Kafka already has are marked before the outbox is read: otherwise they would be read, and sent, again
    await this.markAcknowledged();
    const runner = await this.connection();
    const rows: OutboxRow[] = await runner.query(
      `SELECT id, topic, message_key, event_id, event_type, envelope::text AS envelope
         FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1`,
      [this.options.batchSize ?? 500],
    );
    this.ledger.read(rows.map((r) => r.id));
    if (rows.length === 0) return 0;
    if (!this.producerConnected) {
      await this.producer.connect();
      this.producerConnected = true;
    }
    const chunkSize = this.options.sendChunkSize ?? 100;
    for (let i = 0; i < rows.length; i += chunkSize) {
      const chunk = rows.slice(i, i + chunkSize);
      const ids = chunk.map((r) => r.id);
      this.ledger.sending(ids);
      try {
        await this.producer.sendBatch({ acks: -1, topicMessages: groupByTopic(chunk) });
      } catch (error) {
        // the parts before this one are marked already: only this part and the rest will be sent again
        this.ledger.sendFailed(ids);
        throw error;
      }
      this.ledger.sent(ids);
      this.published += ids.length;
      await this.markAcknowledged();
    }
    return rows.length;
  }

  /** Marks the rows Kafka acknowledged. Rows another instance marked already were published twice: the ledger counts them. */
  private async markAcknowledged(): Promise<void> {
    const ids = this.ledger.toMark;
    if (ids.length === 0) return;
    const runner = await this.connection();
    let updated: { id: string }[];
    try {
      updated = await runner.query(
        `WITH marked AS (UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[]) AND published_at IS NULL RETURNING id)
         SELECT id::text AS id FROM marked`,
        [ids],
      );
    } catch (error) {
      // an error PostgreSQL sent (it has a SQLSTATE) means the statement failed; a dropped connection leaves it unknown
      this.ledger.markFailed(ids, isSqlState(Reflect.get(Object(error), 'code')));
      throw error;
    }
    this.ledger.marked(ids, new Set(updated.map((r) => r.id)));
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        // rows this instance sent are marked even if it no longer leads, so the leader does not send them again
        if (this.ledger.toMark.length > 0) await this.markAcknowledged();
        if (!(await this.lead())) {
          await this.wakeable.sleep(this.options.standbyPollMs ?? 2000);
          continue;
        }
        const count = await this.publishBatch();
        if (this.failures > 0) this.logger.log(`publishing again after ${this.failures} failed attempts`);
        this.failures = 0;
        await this.purge();
        if (count === 0) await this.wakeable.sleep(this.options.idlePollMs ?? 250);
        // a full batch means more is waiting: go on at once; otherwise let concurrent commits gather
        if (count < (this.options.batchSize ?? 500)) await sleep(this.options.lingerMs ?? 3);
      } catch (error) {
        this.failures += 1;
        const delay = Math.min(250 * 2 ** Math.min(this.failures, 5), 5000);
        const waiting = await this.countWaiting();
        this.logger.warn(
          `cannot publish (${(error as Error).message}); ${waiting ?? 'unknown number of'} events wait in the outbox; retrying in ${delay} ms`,
        );
        await this.recover(error);
        await this.wakeable.sleep(delay);
      }
    }
  }

  private async connection(): Promise<QueryRunner> {
    if (!this.runner) {
      this.runner = this.dataSource.createQueryRunner();
      await this.runner.connect();
    }
    return this.runner;
  }

  private async lead(): Promise<boolean> {
    if (this.leader) return true;
    const runner = await this.connection();
    const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [RELAY_LOCK]);
    if (locked) {
      this.leader = true;
      this.logger.log('this instance now publishes the outbox');
    }
    return this.leader;
  }

  private async recover(error: unknown): Promise<void> {
    const fromKafka = (error as { name?: string })?.name?.startsWith('Kafka') ?? false;
    if (fromKafka) {
      await this.producer.disconnect().catch(() => undefined);
      this.producerConnected = false;
    } else {
      await this.resign();
    }
  }

  /** Releases leadership; the lock is session-scoped, so unlock before the connection goes back to the pool. */
  private async resign(): Promise<void> {
    const runner = this.runner;
    this.runner = null;
    this.leader = false;
    if (!runner) return;
    await runner.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
    await runner.release().catch(() => undefined);
  }

  private async countWaiting(): Promise<number | null> {
    try {
      const [{ n }] = await this.dataSource.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
      return n;
    } catch {
      return null;
    }
  }

  /** Published rows are kept a week for inspection, then removed. */
  private async purge(): Promise<void> {
    if (Date.now() - this.lastPurge < 60_000) return;
    this.lastPurge = Date.now();
    await this.dataSource.query(`DELETE FROM outbox WHERE published_at < now() - interval '7 days'`);
  }
}

function isSqlState(code: unknown): boolean {
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

function groupByTopic(rows: readonly OutboxRow[]) {
  const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
  for (const row of rows) {
    const messages = byTopic.get(row.topic) ?? [];
    messages.push({
      key: row.message_key,
      value: row.envelope,
      headers: { 'event-id': row.event_id, 'event-type': row.event_type },
    });
    byTopic.set(row.topic, messages);
  }
  return [...byTopic.entries()].map(([topic, messages]) => ({ topic, messages }));
}
