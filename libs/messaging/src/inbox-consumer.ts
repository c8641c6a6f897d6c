import { Logger } from '@nestjs/common';
import { EventEnvelope, EventHandlers, EventOf, EventType, parseEvent, PlatformEvent, TOPICS } from '@umbrella/contracts';
import { sleep, transactionWithHooks } from '@umbrella/platform';
import { Consumer, EachBatchPayload, IHeaders, Kafka, Message, Partitioners, Producer } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import { DeadLetter, DeadLetterCode, insertBareDeadLetter, insertDeadLetter, RawMessage } from './dead-letters';
import { bytesAsText, findUnstorableString, jsonNestsDeeperThan, storableText } from './message-bytes';
import { Wakeable } from './wakeable';

/** An event as a consumer receives it: validated, and in the latest version of its type. */
export type HandledEvent = PlatformEvent;

/**
 * The event a consumer receives for an envelope: checked against its contract and brought to the
 * latest version. Tests replay envelopes of any version through it.
 */
export function asConsumed(envelope: EventEnvelope): PlatformEvent {
  const parsed = parseEvent(JSON.parse(JSON.stringify(envelope)));
  if (!parsed.ok) throw new Error(`event ${envelope.type} v${envelope.schemaVersion} breaks its contract: ${parsed.errors.join('; ')}`);
  return parsed.value;
}

/**
 * Handlers by event type; each applies its event inside the consumer's transaction (the inbox row
 * is written in the same one), told where on Kafka the event came from.
 */
export type ConsumerHandlers<E extends PlatformEvent = PlatformEvent> = EventHandlers<E, [tx: EntityManager, source: MessageSource]>;

/** Where on Kafka a message was read. */
export interface MessageSource {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** The source of an event handed over without a message (a test, a replay from elsewhere). */
const UNKNOWN_SOURCE: MessageSource = { topic: '', partition: -1, offset: '-1' };

function sourceOf(message: RawMessage): MessageSource {
  return { topic: message.topic, partition: message.partition, offset: message.offset };
}

/** Hands an event to its type's handler; false when the consumer has none for it. */
export async function dispatch<K extends EventType>(handlers: ConsumerHandlers, event: EventOf<K>, tx: EntityManager, source: MessageSource = UNKNOWN_SOURCE): Promise<boolean> {
  const handler = handlers[event.type];
  if (!handler) return false;
  await handler(event, tx, source);
  return true;
}

export interface InboxConsumerOptions<E extends PlatformEvent = PlatformEvent> {
  /** The consumer group, and the consumer's name in the inbox. */
  readonly name: string;
  readonly topics: readonly string[];
  /** Handlers by event type; events of other types on the topics are skipped. */
  readonly handlers: ConsumerHandlers<E>;
  /** Attempts before a message is dead-lettered. */
  readonly maxAttempts?: number;
  readonly retryDelayMs?: number;
  /** Most messages applied in one transaction (default 250). */
  readonly batchSize?: number;
  /**
   * Applies several events at once, in order, in the consumer's transaction: a projection can then
   * write them with a few statements instead of several each. It must give what the handlers give
   * event by event (they remain what a batch falls back to).
   */
  readonly applyBatch?: (events: readonly E[], tx: EntityManager) => Promise<void>;
  /** Values over this many bytes are dead-lettered unread (default 512 KiB; events are a few kB, an agreement at most 256 kB). */
  readonly maxMessageBytes?: number;
  /** Values nesting arrays and objects deeper than this are dead-lettered unread (default 32; events nest five deep at most). */
  readonly maxDepth?: number;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 512 * 1024;
export const DEFAULT_MAX_DEPTH = 32;

export type Outcome = 'handled' | 'duplicate' | 'skipped' | 'dead-lettered';


type Parsed = { ok: true; event: HandledEvent } | { ok: false; code: DeadLetterCode; reason: string };

/** Thrown by a handler for an event it can never apply (retrying would not help): dead-letter at once. */
export class UnprocessableEvent extends Error {}

/**
 * An idempotent consumer: each event's effect and its inbox row (consumer + event id) commit in
 * one transaction, so a redelivered event has no second effect. The messages Kafka hands over
 * together are applied in one transaction, in order; should any of them fail, that transaction
 * rolls back and they are applied one by one, so one bad event never holds up the others. A
 * message that cannot be read (whatever its bytes), fails validation, or keeps failing after
 * bounded retries is recorded in `dead_letter` and sent to the dead-letter topic with the reason,
 * and the consumer moves on. While PostgreSQL is down it waits instead: an outage is not a poison
 * message.
 */
export class InboxConsumer<E extends PlatformEvent = PlatformEvent> {
  private readonly logger: Logger;
  private readonly consumer: Consumer;
  private readonly dlqProducer: Producer;
  private readonly wakeable = new Wakeable();
  private running = false;
  private connected = false;
  private loop: Promise<void> | null = null;
  readonly counts: Record<Outcome, number> = { handled: 0, duplicate: 0, skipped: 0, 'dead-lettered': 0 };

  constructor(
    private readonly dataSource: DataSource,
    kafka: Kafka,
    private readonly options: InboxConsumerOptions<E>,
  ) {
    this.logger = new Logger(`Consumer:${options.name}`);
    this.consumer = kafka.consumer({
      groupId: options.name,
      // a member that vanished (instance killed, broker restarted) is replaced within seconds
      sessionTimeout: 12000,
      heartbeatInterval: 3000,
      // short idle fetches make shutdown (which waits for the fetch in flight) quick
      maxWaitTimeInMs: 1000,
      allowAutoTopicCreation: false,
    });
    this.dlqProducer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    // kafkajs restarts a consumer after a retriable error by itself, but leaves it stopped after any
    // other: a service must never sit there silently not consuming, so it reconnects (with backoff)
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || !this.running) return;
      this.logger.error(`consumer stopped by an error Kafka does not retry (${payload.error.message}); reconnecting`);
      this.connected = false;
      this.loop = this.connectLoop();
    });
  }

  get name(): string {
    return this.options.name;
  }

  /** Whether the consumer has a handler for the event's type: the events it reads, as far as the compiler knows. */
  private handles(event: PlatformEvent): event is E {
    return Object.hasOwn(this.options.handlers, event.type);
  }

  get isConnected(): boolean {
    return this.connected;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.connectLoop();
  }

  /** Lets the message in flight finish, then leaves the group. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeable.nudge();
    await this.loop;
    await this.consumer.disconnect().catch(() => undefined);
    await this.dlqProducer.disconnect().catch(() => undefined);
    this.connected = false;
  }

  private async connectLoop(): Promise<void> {
    let attempt = 0;
    while (this.running && !this.connected) {
      attempt += 1;
      try {
        await this.consumer.connect();
        await this.dlqProducer.connect();
        // A new consumer group starts at the beginning: projections are rebuilt from the topics.
        await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
        // Offsets are committed at most once a second: the inbox, not the offset, is what makes a
        // redelivered event harmless, and a commit per batch would cost a broker request per batch.
        await this.consumer.run({
          autoCommitInterval: 1000,
          eachBatchAutoResolve: false,
          eachBatch: (payload) => this.onBatch(payload),
        });
        this.connected = true;
        this.logger.log(`consuming ${this.options.topics.join(', ')}`);
      } catch (error) {
        const delay = Math.min(1000 * attempt, 5000);
        this.logger.warn(`Kafka unavailable (attempt ${attempt}): ${(error as Error).message}; retrying in ${delay} ms`);
        await this.consumer.disconnect().catch(() => undefined);
        await this.wakeable.sleep(delay);
      }
    }
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    const size = this.options.batchSize ?? 250;
    for (let i = 0; i < batch.messages.length; i += size) {
      if (!isRunning() || isStale()) return;
      const chunk: RawMessage[] = batch.messages
        .slice(i, i + size)
        .map((m) => ({ topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key, value: m.value, headers: m.headers }));
      await this.processBatch(chunk);
      resolveOffset(chunk[chunk.length - 1].offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  /**
   * Processes messages of one partition in order: the events with a handler in one transaction
   * (one inbox insert for all of them), the invalid ones dead-lettered, the others skipped. If the
   * transaction fails, nothing of it stays and each message goes through `process` on its own.
   */
  async processBatch(messages: readonly RawMessage[]): Promise<Outcome[]> {
    const parsed = messages.map((message) => ({ message, parsed: this.parse(message) }));
    const toApply = parsed.flatMap((p) => (p.parsed.ok && this.handles(p.parsed.event) ? [{ event: p.parsed.event, source: sourceOf(p.message) }] : []));
    if (toApply.length < 2) return this.oneByOne(messages);
    let applied: Set<string>;
    try {
      applied = await this.applyAll(toApply);
    } catch {
      return this.oneByOne(messages);
    }
    const outcomes: Outcome[] = [];
    for (const { message, parsed: p } of parsed) {
      let outcome: Outcome;
      if (!p.ok) outcome = await this.deadLetter(message, p.code, p.reason, null);
      else if (!this.handles(p.event)) outcome = 'skipped';
      else outcome = applied.delete(p.event.eventId) ? 'handled' : 'duplicate';
      if (outcome !== 'dead-lettered') this.counts[outcome] += 1;
      outcomes.push(outcome);
    }
    return outcomes;
  }

  private async oneByOne(messages: readonly RawMessage[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    for (const message of messages) outcomes.push(await this.process(message));
    return outcomes;
  }

  /** Applies the events in order in one transaction; returns the ids applied (the others were already). */
  private async applyAll(received: readonly { event: E; source: MessageSource }[]): Promise<Set<string>> {
    const events = received.map((r) => r.event);
    return transactionWithHooks(this.dataSource, async (tx) => {
      const inserted: { event_id: string }[] = await tx.query(
        `INSERT INTO inbox (consumer, event_id, event_type)
         SELECT $1, e.id, e.type FROM unnest($2::uuid[], $3::text[]) AS e(id, type)
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [this.options.name, events.map((e) => e.eventId), events.map((e) => e.type)],
      );
      const fresh = new Set(inserted.map((r) => r.event_id));
      const applied = new Set<string>();
      const toApply: { event: E; source: MessageSource }[] = [];
      for (const r of received) {
        // an event delivered twice within the batch is applied once
        if (!fresh.has(r.event.eventId.toLowerCase()) || applied.has(r.event.eventId)) continue;
        applied.add(r.event.eventId);
        toApply.push(r);
      }
      if (this.options.applyBatch) await this.options.applyBatch(toApply.map((r) => r.event), tx);
      else for (const { event, source } of toApply) await dispatch(this.options.handlers, event, tx, source);
      return applied;
    });
  }

  /** Processes one raw message to an outcome. Exposed so the whole path can be driven in tests. */
  async process(message: RawMessage): Promise<Outcome> {
    const parsed = this.parse(message);
    if (!parsed.ok) return this.deadLetter(message, parsed.code, parsed.reason, null);
    const event = parsed.event;
    if (!this.handles(event)) {
      this.counts.skipped += 1;
      return 'skipped';
    }
    const maxAttempts = this.options.maxAttempts ?? 3;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      try {
        const outcome = await this.applyOnce(event, sourceOf(message));
        this.counts[outcome] += 1;
        return outcome;
      } catch (error) {
        lastError = error;
        if (error instanceof UnprocessableEvent) break;
        await this.waitForDatabase();
        if (attempt < maxAttempts) await sleep((this.options.retryDelayMs ?? 200) * 2 ** (attempt - 1));
      }
    }
    const why = (lastError as Error)?.message ?? lastError;
    const reason = lastError instanceof UnprocessableEvent ? `handler refused the event: ${why}` : `handler failed after ${maxAttempts} attempts: ${why}`;
    return this.deadLetter(message, 'HANDLER.FAILED', reason, event);
  }

  /**
   * Reads a message into an event, or says why it cannot be one. Never throws: whatever a message
   * holds, reading it ends in an outcome, so no message can stop the consumer on its offset.
   */
  private parse(message: RawMessage): Parsed {
    try {
      return this.read(message);
    } catch (error) {
      return { ok: false, code: 'MESSAGE.UNREADABLE', reason: `the message could not be read: ${(error as Error)?.message ?? error}` };
    }
  }

  /** The checks run from cheapest to dearest, and nothing recursive sees a value before its depth is known to be small. */
  private read(message: RawMessage): Parsed {
    const { value } = message;
    if (value === null || value.length === 0) return { ok: false, code: 'MESSAGE.NO_VALUE', reason: value === null ? 'the message has no value (a tombstone)' : 'empty message value' };
    const maxBytes = this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    if (value.length > maxBytes) return { ok: false, code: 'MESSAGE.TOO_LARGE', reason: `message value is ${value.length} bytes, over the limit of ${maxBytes}` };
    const text = bytesAsText(value);
    if (text === null) {
      // a raw NUL is as invalid in JSON as bytes that are not UTF-8
      const utf8 = bytesAsText(value.filter((b) => b !== 0)) !== null;
      return utf8 ? { ok: false, code: 'MESSAGE.NOT_JSON', reason: 'message value is not valid JSON (it holds a NUL byte)' } : { ok: false, code: 'MESSAGE.NOT_UTF8', reason: 'message value is not valid UTF-8' };
    }
    const maxDepth = this.options.maxDepth ?? DEFAULT_MAX_DEPTH;
    if (jsonNestsDeeperThan(text, maxDepth)) return { ok: false, code: 'MESSAGE.TOO_DEEP', reason: `message value nests deeper than ${maxDepth} levels` };
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return { ok: false, code: 'MESSAGE.NOT_JSON', reason: 'message value is not valid JSON' };
    }
    const unstorable = findUnstorableString(raw);
    if (unstorable !== null) return { ok: false, code: 'MESSAGE.UNSTORABLE_TEXT', reason: `invalid event: ${unstorable}: holds a NUL character or a lone surrogate` };
    const result = parseEvent(raw);
    if (!result.ok) return { ok: false, code: 'MESSAGE.INVALID_EVENT', reason: `invalid event: ${result.errors.join('; ')}` };
    const key = message.key === null ? null : bytesAsText(message.key);
    if (key !== result.value.key) {
      const shown = message.key === null ? '(none)' : key === null ? '(not text)' : JSON.stringify(key.slice(0, 200));
      return { ok: false, code: 'MESSAGE.KEY_MISMATCH', reason: `message key ${shown} differs from the envelope key ${JSON.stringify(result.value.key)}` };
    }
    // parsing brought a superseded version to the latest: handlers see one shape per type
    return { ok: true, event: result.value };
  }

  private async applyOnce(event: E, source: MessageSource): Promise<'handled' | 'duplicate'> {
    return transactionWithHooks(this.dataSource, async (tx) => {
      const inserted: unknown[] = await tx.query(
        `INSERT INTO inbox (consumer, event_id, event_type) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [this.options.name, event.eventId, event.type],
      );
      if (inserted.length === 0) return 'duplicate';
      await dispatch(this.options.handlers, event, tx, source);
      return 'handled';
    });
  }

  /** An unreachable database is an outage, not a bad message: wait for it rather than dead-letter. */
  private async waitForDatabase(): Promise<void> {
    let logged = false;
    while (this.running) {
      try {
        await this.dataSource.query('SELECT 1');
        return;
      } catch (error) {
        if (!logged) this.logger.warn(`PostgreSQL unavailable (${(error as Error).message}); waiting before retrying`);
        logged = true;
        await this.wakeable.sleep(1000);
      }
    }
  }

  /**
   * Records the message in `dead_letter`, then sends it to the dead-letter topic. Both are
   * idempotent on (consumer, topic, partition, offset) for the table, and harmless to repeat on the
   * topic, so a redelivery after a failure in between does no harm. Only an outage (PostgreSQL or
   * Kafka unreachable) makes this throw: the batch is then fetched again, never skipped.
   */
  private async deadLetter(message: RawMessage, code: DeadLetterCode, reason: string, event: HandledEvent | null): Promise<'dead-lettered'> {
    const where = `${message.topic}[${message.partition}]@${message.offset}`;
    this.logger.warn(`dead-lettering ${where} (${code}): ${reason.slice(0, 500)}`);
    const letter: DeadLetter = {
      consumer: this.options.name,
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      key: message.key,
      value: message.value,
      headers: message.headers,
      eventId: event?.eventId ?? null,
      eventType: event?.type ?? null,
      code,
      reason,
    };
    await this.record(letter);
    await this.publish(letter);
    this.counts['dead-lettered'] += 1;
    return 'dead-lettered';
  }

  /**
   * Writes the row; an outage is waited out. A row PostgreSQL refuses twice while it answers is
   * written without the message's bytes (they stay on the dead-letter topic), so the letter is
   * listed whatever the message held.
   */
  private async record(letter: DeadLetter): Promise<void> {
    let refusals = 0;
    let lastRefusal = '';
    for (;;) {
      try {
        if (refusals >= 2) await insertBareDeadLetter(this.dataSource, letter, lastRefusal);
        else await insertDeadLetter(this.dataSource, letter);
        return;
      } catch (error) {
        if (await this.databaseAnswers()) {
          refusals += 1;
          if (refusals > 2) throw error;
          lastRefusal = (error as Error).message;
          if (refusals === 2) this.logger.warn(`dead letter ${letter.topic}[${letter.partition}]@${letter.offset} refused by PostgreSQL (${lastRefusal}); recording it without the message`);
          continue;
        }
        if (!this.running) throw error;
        await this.waitForDatabase();
      }
    }
  }

  /** The message as it came, with the reason in headers; one too large for the topic goes without its value and its own headers (the table has them). */
  private async publish(letter: DeadLetter): Promise<void> {
    const dlq: IHeaders = {
      'dlq-code': letter.code,
      'dlq-reason': storableText(letter.reason).slice(0, 2000),
      'dlq-consumer': letter.consumer,
      'dlq-original-topic': letter.topic,
      'dlq-original-partition': String(letter.partition),
      'dlq-original-offset': letter.offset,
      'dlq-failed-at': new Date().toISOString(),
    };
    const send = (m: Message) => this.dlqProducer.send({ topic: TOPICS.deadLetters.name, acks: -1, messages: [m] });
    try {
      await send({ key: letter.key, value: letter.value, headers: { ...letter.headers, ...dlq } });
    } catch (error) {
      if (!refusedForItsSize(error)) throw error;
      const key = letter.key !== null && letter.key.length <= 1024 ? letter.key : null;
      await send({ key, value: null, headers: { ...dlq, 'dlq-omitted': `the message was too large for ${TOPICS.deadLetters.name}; dead_letter holds it` } });
    }
  }

  private async databaseAnswers(): Promise<boolean> {
    try {
      await this.dataSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }
}

/** Kafka's answer for a record the topic will never take, however often it is sent (as opposed to an outage). */
function refusedForItsSize(error: unknown): boolean {
  const refusals = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD']);
  for (let e: unknown = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; e = Reflect.get(e, 'cause'), depth += 1) {
    const type: unknown = Reflect.get(e, 'type');
    if (typeof type === 'string' && refusals.has(type)) return true;
  }
  return false;
}
