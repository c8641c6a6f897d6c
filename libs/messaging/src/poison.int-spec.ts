import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { EventEnvelope, TOPICS } from '@umbrella/contracts';
import { Random, readTopic, recreateTestDatabase, waitFor } from '@umbrella/testing';
import { IHeaders, Kafka, Partitioners, Producer } from 'kafkajs';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { DeadLetterCode, headerViews, listDeadLetters, PAYLOAD_PREVIEW_BYTES as PREVIEW } from './dead-letters';
import { DEFAULT_MAX_MESSAGE_BYTES, InboxConsumer } from './inbox-consumer';
import { createKafka } from './kafka';
import { MESSAGING_MIGRATIONS } from './migrations/messaging-migrations';
import { eventOfVersion } from './outbox';
import { provisionTopics } from './topics';

/*
 * Poison messages on the real broker and PostgreSQL: every kind a consumer may meet is
 * dead-lettered, recorded byte for byte and listed as `GET /dead-letters` lists it, sent to the
 * dead-letter topic, and the consumer goes on to the good message after them. The variants are
 * drawn from a seed printed at the start: FUZZ_SEED=<seed> reproduces a run.
 */

class EffectTable1732400009999 implements MigrationInterface {
  name = 'EffectTable1732400009999';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE effect (seq bigserial PRIMARY KEY, event_id uuid NOT NULL)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE effect');
  }
}

const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const VARIANTS = 2;

const brokers = () => process.env.KAFKA_BROKERS as string;
const run = randomUUID().slice(0, 8);
/** Each test reads a topic of its own, so it meets only its own messages. */
const topics = ['all-kinds', 'huge', 'refused'].map((name) => `umbrella.test.poison-${run}-${name}`);

interface Poison {
  readonly kind: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: IHeaders;
  readonly code: DeadLetterCode;
  readonly reason: RegExp;
}

function referral(key: string): EventEnvelope {
  return eventOfVersion({
    type: 'ReferralRequested',
    schemaVersion: 1,
    producer: 'referral',
    data: { referralId: randomUUID(), clientId: key, fromAgencyId: 'north-jobcentre', toAgencyId: 'harbour-college', domain: 'training', requestedAt: new Date().toISOString() },
  });
}

/** Every kind of poison, `VARIANTS` times, the details drawn from `random`. */
function poisons(random: () => number, key: string): Poison[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(0, 255)));
  const json = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
  const event = () => referral(key);
  const withString = (text: string) => {
    const e = event();
    const where = pick(['correlationId', 'causationId', 'actor', 'data.fromAgencyId', 'data.extra']);
    if (where === 'actor') return { ...e, actor: { userId: text } };
    if (where.startsWith('data.')) return { ...e, data: { ...(e.data as object), [where.slice(5)]: text } };
    return { ...e, [where]: text };
  };
  const nested = (depth: number) => pick(['[', '{"a":']).repeat(depth);
  const deep = (depth: number) => {
    const open = nested(depth);
    const close = [...open.matchAll(/\[|\{/g)].map((m) => (m[0] === '[' ? ']' : '}')).reverse().join('');
    return pick([
      // inside the data of an otherwise valid envelope
      JSON.stringify(event()).replace('"domain":"training"', `"domain":"training","x":${open}1${close}`),
      `${open}1${close}`,
    ]);
  };
  const kinds: ((v: number) => Poison)[] = [
    () => {
      const text = JSON.stringify(event());
      const at = int(1, text.length - 1);
      return { kind: 'a NUL byte in the value', key: json(key), value: Buffer.concat([json(text.slice(0, at)), Buffer.from([0]), json(text.slice(at))]), code: 'MESSAGE.NOT_JSON', reason: /NUL/ };
    },
    () => ({ kind: 'a NUL in a JSON string', key: json(key), value: json(withString(`x${'\u0000'.repeat(int(1, 3))}y`)), code: 'MESSAGE.UNSTORABLE_TEXT', reason: /holds a NUL character or a lone surrogate/ }),
    () => ({ kind: 'a lone surrogate in a JSON string', key: json(key), value: json(withString(pick(['x\uD800y', '\uDFFF', 'a\uDBFFb']))), code: 'MESSAGE.UNSTORABLE_TEXT', reason: /lone surrogate/ }),
    () => ({ kind: 'a NUL in the key', key: Buffer.concat([json(key), Buffer.from([0]), bytes(int(0, 4))]), value: json(event()), code: 'MESSAGE.KEY_MISMATCH', reason: /message key \(not text\) differs/ }),
    () => ({ kind: 'a key that is not the envelope key', key: json(`${key}-other`), value: json(event()), code: 'MESSAGE.KEY_MISMATCH', reason: /differs from the envelope key/ }),
    () => {
      const text = json(event());
      const at = int(0, text.length - 1);
      return { kind: 'invalid UTF-8', key: json(key), value: Buffer.concat([text.subarray(0, at), Buffer.from([pick([0xff, 0xc0, 0xed])]), text.subarray(at)]), code: 'MESSAGE.NOT_UTF8', reason: /not valid UTF-8/ };
    },
    () => {
      const garbage = bytes(int(1, 3000));
      garbage[int(0, garbage.length - 1)] = 0xff;
      return { kind: 'binary garbage', key: random() < 0.5 ? null : bytes(int(1, 40)), value: garbage, code: 'MESSAGE.NOT_UTF8', reason: /not valid UTF-8/ };
    },
    () => ({ kind: 'nesting thousands of levels deep', key: json(key), value: json(deep(int(2000, 20000))), code: 'MESSAGE.TOO_DEEP', reason: /nests deeper than 32 levels/ }),
    () => ({ kind: 'nesting just past the limit', key: json(key), value: json(deep(33)), code: 'MESSAGE.TOO_DEEP', reason: /nests deeper/ }),
    () => ({ kind: 'a value over the size limit', key: json(key), value: Buffer.alloc(DEFAULT_MAX_MESSAGE_BYTES + int(1, 100_000), pick(['x', '{', '\u0000'])), code: 'MESSAGE.TOO_LARGE', reason: /over the limit of/ }),
    () => ({ kind: 'not JSON', key: json(key), value: json(pick(['{ this is not json', 'undefined', '{"a":1', 'NaN', "{'single':'quotes'}", 'plain words'])), code: 'MESSAGE.NOT_JSON', reason: /^message value is not valid JSON$/ }),
    () => ({ kind: 'JSON but not an envelope', key: json(key), value: json(pick(['[1,2,3]', '"text"', 'null', '42', 'true', '{"hello":"world"}', '{}'])), code: 'MESSAGE.INVALID_EVENT', reason: /^invalid event: / }),
    () => {
      const { eventId: _, ...rest } = event();
      return { kind: 'an envelope missing a field', key: json(key), value: json(rest), code: 'MESSAGE.INVALID_EVENT', reason: /eventId/ };
    },
    () => ({ kind: 'an unknown type', key: json(key), value: json({ ...event(), ...pick([{ type: 'ClientTeleported' }, { schemaVersion: 99 }]) }), code: 'MESSAGE.INVALID_EVENT', reason: /unknown event/ }),
    () => {
      const e = event();
      const bad = pick([{ domain: 'astrology' }, { referralId: 'not-a-uuid' }, { requestedAt: 'yesterday' }, { clientId: 42 }]);
      return { kind: 'data its contract refuses', key: json(key), value: json({ ...e, data: { ...(e.data as object), ...bad } }), code: 'MESSAGE.INVALID_EVENT', reason: /data\./ };
    },
    () => ({ kind: 'a null value (a tombstone)', key: random() < 0.5 ? json(key) : null, value: null, code: 'MESSAGE.NO_VALUE', reason: /no value/ }),
    () => ({ kind: 'an empty value', key: json(key), value: Buffer.alloc(0), code: 'MESSAGE.NO_VALUE', reason: /empty message value/ }),
    () => ({
      kind: 'headers that are not text',
      key: json(key),
      value: json('{ not json either'),
      headers: { binary: bytes(int(1, 20)), 'with\u0000nul': Buffer.from([0x41, 0x00, 0x42]), repeated: [Buffer.from([0xff]), 'text'] },
      code: 'MESSAGE.NOT_JSON',
      reason: /not valid JSON/,
    }),
  ];
  return Array.from({ length: VARIANTS }, (_, v) => kinds.map((make) => make(v))).flat();
}

/** The bytes a listed dead letter shows (text or base64), to compare with what was sent. */
const shown = (text: string | null, base64: string | null): Buffer | null => (text !== null ? Buffer.from(text, 'utf8') : base64 !== null ? Buffer.from(base64, 'base64') : null);

describe('poison messages on the real broker and database', () => {
  let dataSource: DataSource;
  let kafka: Kafka;
  let producer: Producer;
  let consumer: InboxConsumer | null = null;

  beforeAll(async () => {
    console.log(`poison messages drawn from seed ${seed} (FUZZ_SEED=${seed} reproduces them)`);
    const url = await recreateTestDatabase('umbrella_messaging_poison_test');
    dataSource = new DataSource({ type: 'postgres', url, migrations: [...MESSAGING_MIGRATIONS, EffectTable1732400009999] });
    await dataSource.initialize();
    await dataSource.runMigrations();
    kafka = createKafka({ brokers: brokers().split(','), clientId: 'poison-int-test' });
    await provisionTopics(kafka, [...topics.map((name) => ({ ...TOPICS.referrals, name, partitions: 1 })), TOPICS.deadLetters]);
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  afterEach(async () => {
    await consumer?.stop();
    consumer = null;
  });

  afterAll(async () => {
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    await dataSource.destroy();
  });

  function startConsumer(name: string, topic: string): InboxConsumer {
    consumer = new InboxConsumer(dataSource, kafka, {
      name,
      topics: [topic],
      maxAttempts: 2,
      retryDelayMs: 20,
      handlers: {
        ReferralRequested: async (event, tx) => {
          await tx.query('INSERT INTO effect (event_id) VALUES ($1)', [event.eventId]);
        },
      },
    });
    consumer.start();
    return consumer;
  }

  /** Sends one by one, so each message's offset is known. */
  /** Resolves once the good event has its effect and every offset given is listed as a dead letter (a batch may commit its good events first). */
  async function consumed(name: string, good: EventEnvelope, deadOffsets: readonly string[]): Promise<void> {
    await waitFor(async () => ((await dataSource.query('SELECT 1 FROM effect WHERE event_id = $1', [good.eventId])).length === 1 ? true : undefined), {
      what: 'the good message after the poison',
      timeoutMs: 60000,
    });
    await waitFor(
      async () => {
        const listed = new Set((await listDeadLetters(dataSource, { consumer: name, limit: 1000 })).map((d) => d.offset));
        return deadOffsets.every((o) => listed.has(o));
      },
      { what: 'every poison message listed', timeoutMs: 30000 },
    );
  }

  async function send(topic: string, messages: readonly { key: Buffer | null; value: Buffer | null; headers?: IHeaders }[]): Promise<string[]> {
    const offsets: string[] = [];
    for (const m of messages) {
      const [meta] = await producer.send({ topic, acks: -1, messages: [{ key: m.key, value: m.value, headers: m.headers, partition: 0 }] });
      offsets.push(meta.baseOffset as string);
    }
    return offsets;
  }

  it('dead-letters every kind of poison, lists each exactly as it came with the reason, and applies the good message after them', async () => {
    const key = `poison-${run}`;
    const random = new Random(seed);
    const bad = poisons(() => random.next(), key);
    const good = referral(key);
    const offsets = await send(topics[0], [...bad, { key: Buffer.from(key), value: Buffer.from(JSON.stringify(good)) }]);
    const name = `test-poison-${run}`;
    const running = startConsumer(name, topics[0]);

    await consumed(name, good, offsets.slice(0, bad.length));
    expect(running.counts).toMatchObject({ handled: 1, 'dead-lettered': bad.length });

    const listed = await listDeadLetters(dataSource, { consumer: name, limit: 1000 });
    const byOffset = new Map(listed.map((d) => [d.offset, d]));
    const report = bad.map((p, i) => {
      const d = byOffset.get(offsets[i]);
      if (!d) return { kind: p.kind, listed: false };
      const key = shown(d.key, d.keyBase64);
      const body = shown(d.payload, d.payloadBase64);
      return {
        kind: p.kind,
        listed: true,
        code: d.code,
        reason: p.reason.test(d.reason) ? 'as expected' : d.reason,
        key: p.key === null ? key === null : key !== null && key.equals(p.key),
        // the listing shows a value whole, or its first 16 KiB less at most a cut character
        value:
          p.value === null
            ? d.payloadBytes === null && body === null
            : d.payloadBytes === p.value.length && body !== null && body.length >= Math.min(p.value.length, PREVIEW - 3) && p.value.subarray(0, body.length).equals(body),
        truncated: d.payloadTruncated === (p.value !== null && p.value.length > PREVIEW),
        headers: isDeepStrictEqual(d.headers, headerViews(p.headers)),
        topic: d.topic,
      };
    });
    expect(report).toEqual(bad.map((p) => ({ kind: p.kind, listed: true, code: p.code, reason: 'as expected', key: true, value: true, truncated: true, headers: true, topic: topics[0] })));

    const copies = await readTopic(brokers(), TOPICS.deadLetters.name, (m) => m.filter((x) => x.headers['dlq-consumer'] === name).length >= bad.length, 30000);
    // a copy sent again (a batch retried after a Kafka hiccup) is harmless: the first per offset counts
    const ours = new Map<string, string>();
    for (const x of copies) if (x.headers['dlq-consumer'] === name && !ours.has(x.headers['dlq-original-offset'])) ours.set(x.headers['dlq-original-offset'], x.headers['dlq-code']);
    expect([...ours]).toEqual(bad.map((p, i) => [offsets[i], p.code]));
  }, 120000);

  it('records a message too large for the dead-letter topic whole, and sends it there without its value', async () => {
    const key = `huge-${run}`;
    // the largest value the topic takes with this key: its dead-letter copy, with the reason in headers, is over the limit
    let offset: string | null = null;
    let size = 1_048_588; // Kafka's default message.max.bytes
    for (let tries = 0; offset === null; tries += 1) {
      try {
        const [meta] = await producer.send({ topic: topics[1], acks: -1, messages: [{ key, value: Buffer.alloc(size, 'x'), partition: 0 }] });
        offset = meta.baseOffset as string;
      } catch (error) {
        if (tries >= 60 || !/larger than the max message size/.test(String((error as Error).message))) throw error;
        size -= 16;
      }
    }
    const good = referral(key);
    await send(topics[1], [{ key: Buffer.from(key), value: Buffer.from(JSON.stringify(good)) }]);
    const name = `test-huge-${run}`;
    startConsumer(name, topics[1]);

    await consumed(name, good, [offset]);
    const [letter] = (await listDeadLetters(dataSource, { consumer: name })).filter((d) => d.offset === offset);
    expect(letter).toMatchObject({ key, code: 'MESSAGE.TOO_LARGE', payloadBytes: size, payloadTruncated: true });
    const [{ n }] = await dataSource.query(`SELECT octet_length(payload) AS n FROM dead_letter WHERE consumer = $1 AND kafka_offset = $2`, [name, offset]);
    expect(n).toBe(size);
    const copies = await readTopic(brokers(), TOPICS.deadLetters.name, (m) => m.some((x) => x.headers['dlq-consumer'] === name), 30000);
    const copy = copies.find((x) => x.headers['dlq-consumer'] === name);
    expect(copy).toMatchObject({ key, value: null, headers: expect.objectContaining({ 'dlq-code': 'MESSAGE.TOO_LARGE', 'dlq-omitted': expect.stringContaining('too large') }) });
  }, 120000);

  it('records a dead letter PostgreSQL refuses in full without the message, and still moves on', async () => {
    const key = `refused-${run}`;
    // a fault of the table itself, for this key only: the full row is refused, a bare one is not
    await dataSource.query(`
      CREATE OR REPLACE FUNCTION refuse_full_dead_letter() RETURNS trigger AS $$
      BEGIN
        IF NEW.message_key = '${key}' THEN RAISE EXCEPTION 'refused for the test'; END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await dataSource.query(`CREATE TRIGGER refuse_full_dead_letter BEFORE INSERT ON dead_letter FOR EACH ROW EXECUTE FUNCTION refuse_full_dead_letter()`);
    try {
      const good = referral(key);
      const [offset] = await send(topics[2], [
        { key: Buffer.from(key), value: Buffer.from('{ not json') },
        { key: Buffer.from(key), value: Buffer.from(JSON.stringify(good)) },
      ]);
      const name = `test-refused-${run}`;
      startConsumer(name, topics[2]);
      await consumed(name, good, [offset]);
      const [letter] = (await listDeadLetters(dataSource, { consumer: name })).filter((d) => d.offset === offset);
      expect(letter).toMatchObject({ code: 'MESSAGE.NOT_JSON', key: null, payloadBytes: null, reason: expect.stringMatching(/^message value is not valid JSON \(the message itself could not be stored: /) });
    } finally {
      await dataSource.query('DROP TRIGGER refuse_full_dead_letter ON dead_letter');
    }
  }, 120000);
});
