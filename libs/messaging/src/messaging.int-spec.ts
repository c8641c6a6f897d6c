import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ALL_TOPICS, EventEnvelope, TOPICS } from '@umbrella/contracts';
import { readTopic, recreateTestDatabase, REPO_ROOT, waitFor } from '@umbrella/testing';
import { Kafka, Partitioners, Producer } from 'kafkajs';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { InboxConsumer } from './inbox-consumer';
import { createKafka } from './kafka';
import { MESSAGING_MIGRATIONS } from './migrations/messaging-migrations';
import { appendToOutbox, eventOfVersion } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { provisionTopics } from './topics';

class EffectTable1732400009999 implements MigrationInterface {
  name = 'EffectTable1732400009999';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE effect (seq bigserial PRIMARY KEY, event_id uuid NOT NULL, client_id text NOT NULL, referral_id uuid NOT NULL)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE effect');
  }
}

const brokers = () => process.env.KAFKA_BROKERS as string;
const run = randomUUID().slice(0, 8);

function referralEvent(clientId: string) {
  return eventOfVersion({
    type: 'ReferralRequested',
    schemaVersion: 1,
    producer: 'referral',
    data: {
      referralId: randomUUID(),
      clientId,
      fromAgencyId: 'north-jobcentre',
      toAgencyId: 'harbour-college',
      domain: 'training',
      requestedAt: new Date().toISOString(),
    },
  });
}

describe('messaging on the real broker and database', () => {
  let dataSource: DataSource;
  let kafka: Kafka;
  let rawProducer: Producer;
  const stoppables: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    const url = await recreateTestDatabase('umbrella_messaging_test');
    dataSource = new DataSource({ type: 'postgres', url, migrations: [...MESSAGING_MIGRATIONS, EffectTable1732400009999] });
    await dataSource.initialize();
    await dataSource.runMigrations();
    kafka = createKafka({ brokers: brokers().split(','), clientId: 'messaging-int-test' });
    await provisionTopics(kafka, ALL_TOPICS);
    rawProducer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await rawProducer.connect();
  });

  afterEach(async () => {
    await Promise.all(stoppables.splice(0).map((s) => s.stop()));
  });

  afterAll(async () => {
    await rawProducer.disconnect();
    await dataSource.destroy();
  });

  /** A consumer that records each event for this run's clients as an `effect` row. */
  function startConsumer(prefix: string): InboxConsumer {
    const consumer = new InboxConsumer(dataSource, kafka, {
      name: `test-${prefix}-${randomUUID()}`,
      topics: [TOPICS.referrals.name],
      maxAttempts: 2,
      retryDelayMs: 20,
      handlers: {
        ReferralRequested: async (event, tx) => {
          if (!event.data.clientId.startsWith(prefix)) return;
          await tx.query('INSERT INTO effect (event_id, client_id, referral_id) VALUES ($1, $2, $3)', [event.eventId, event.data.clientId, event.data.referralId]);
        },
      },
    });
    consumer.start();
    stoppables.push(consumer);
    return consumer;
  }

  async function effects(prefix: string): Promise<{ event_id: string; client_id: string }[]> {
    return dataSource.query(`SELECT event_id, client_id FROM effect WHERE client_id LIKE $1 ORDER BY seq`, [`${prefix}%`]);
  }

  async function writeOutbox(events: EventEnvelope[]): Promise<void> {
    await dataSource.transaction((tx) => appendToOutbox(tx, events));
  }

  it('carries events from the outbox through Kafka into a consumer, each key in order', async () => {
    const prefix = `a${run}-`;
    const events = [referralEvent(`${prefix}1`), referralEvent(`${prefix}2`), referralEvent(`${prefix}1`), referralEvent(`${prefix}1`)];
    await writeOutbox(events);
    const relay = new OutboxRelay(dataSource, kafka, { name: 'test', idlePollMs: 50 });
    relay.start();
    stoppables.push(relay);
    startConsumer(prefix);

    const rows = await waitFor(async () => {
      const r = await effects(prefix);
      return r.length === 4 ? r : undefined;
    }, { what: 'four effects' });
    const ofClient1 = rows.filter((r) => r.client_id === `${prefix}1`).map((r) => r.event_id);
    expect(ofClient1).toEqual([events[0].eventId, events[2].eventId, events[3].eventId]);
    const [{ waiting }] = await dataSource.query('SELECT count(*)::int AS waiting FROM outbox WHERE published_at IS NULL');
    expect(waiting).toBe(0);
  });

  it('gives an event delivered twice exactly one effect', async () => {
    const prefix = `b${run}-`;
    const event = referralEvent(`${prefix}1`);
    const message = { key: event.key, value: JSON.stringify(event) };
    await rawProducer.send({ topic: TOPICS.referrals.name, messages: [message, message] });
    const later = referralEvent(`${prefix}1`);
    await rawProducer.send({ topic: TOPICS.referrals.name, messages: [{ key: later.key, value: JSON.stringify(later) }] });
    const consumer = startConsumer(prefix);

    await waitFor(async () => ((await effects(prefix)).length === 2 ? true : undefined), { what: 'two effects' });
    await waitFor(async () => (consumer.counts.duplicate >= 1 ? true : undefined), { what: 'the duplicate to be seen' });
    expect((await effects(prefix)).map((e) => e.event_id)).toEqual([event.eventId, later.eventId]);
  });

  it('dead-letters poison messages with the reason, and later messages still get through', async () => {
    const prefix = `c${run}-`;
    const key = `${prefix}1`;
    const wrongShape = { ...referralEvent(key), data: { clientId: key, domain: 'astrology' } };
    const good = referralEvent(key);
    await rawProducer.send({
      topic: TOPICS.referrals.name,
      messages: [
        { key, value: '{ this is not json' },
        { key, value: JSON.stringify(wrongShape) },
        { key, value: JSON.stringify(good) },
      ],
    });
    startConsumer(prefix);

    await waitFor(async () => ((await effects(prefix)).length === 1 ? true : undefined), { what: 'the good event' });
    const dead = await readTopic(brokers(), TOPICS.deadLetters.name, (m) => m.filter((x) => x.key === key).length >= 2);
    const ours = dead.filter((m) => m.key === key);
    expect(ours.map((m) => m.headers['dlq-reason'])).toEqual([
      'message value is not valid JSON',
      expect.stringMatching(/^invalid event: .*data\.domain/),
    ]);
    expect(ours[0].headers['dlq-original-topic']).toBe(TOPICS.referrals.name);
    const rows = await dataSource.query('SELECT reason FROM dead_letter WHERE message_key = $1 ORDER BY id', [key]);
    expect(rows).toHaveLength(2);
  });

  it('dead-letters an event whose handler keeps failing, after bounded retries, and moves on', async () => {
    const prefix = `d${run}-`;
    const failing = referralEvent(`${prefix}fail`);
    const fine = referralEvent(`${prefix}fine`);
    let attempts = 0;
    const consumer = new InboxConsumer(dataSource, kafka, {
      name: `test-${prefix}`,
      topics: [TOPICS.referrals.name],
      maxAttempts: 3,
      retryDelayMs: 10,
      handlers: {
        ReferralRequested: async (event, tx) => {
          if (event.eventId === failing.eventId) {
            attempts += 1;
            throw new Error('cannot apply this one');
          }
          if (event.data.clientId.startsWith(prefix)) {
            await tx.query('INSERT INTO effect (event_id, client_id, referral_id) VALUES ($1, $2, $3)', [event.eventId, event.data.clientId, event.data.referralId]);
          }
        },
      },
    });
    await writeOutbox([failing, fine]);
    const relay = new OutboxRelay(dataSource, kafka, { name: 'test', idlePollMs: 50 });
    relay.start();
    stoppables.push(relay);
    consumer.start();
    stoppables.push(consumer);

    // the two events have different keys, so they may be consumed in either order
    await waitFor(async () => ((await effects(prefix)).length === 1 ? true : undefined), { what: 'the later event' });
    const [row] = await waitFor(async () => {
      const rows = await dataSource.query('SELECT reason, event_id FROM dead_letter WHERE event_id = $1', [failing.eventId]);
      return rows.length === 1 ? rows : undefined;
    }, { what: 'the dead letter' });
    // when both arrive in one fetch, a try of the batch transaction precedes the three on its own
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(attempts).toBeLessThanOrEqual(4);
    expect(row.reason).toBe('handler failed after 3 attempts: cannot apply this one');
    const [{ n }] = await dataSource.query('SELECT count(*)::int AS n FROM inbox WHERE event_id = $1', [failing.eventId]);
    expect(n).toBe(0);
  });

  it('applies a fetched batch in one transaction, once per event, and one by one when an event in it fails', async () => {
    const prefix = `g${run}-`;
    let failOn: string | null = null;
    const consumer = new InboxConsumer(dataSource, kafka, {
      name: `test-${prefix}`,
      topics: [TOPICS.referrals.name],
      maxAttempts: 1,
      retryDelayMs: 1,
      handlers: {
        ReferralRequested: async (event, tx) => {
          if (event.eventId === failOn) throw new Error('cannot apply this one');
          if (!event.data.clientId.startsWith(prefix)) return;
          await tx.query('INSERT INTO effect (event_id, client_id, referral_id) VALUES ($1, $2, $3)', [event.eventId, event.data.clientId, event.data.referralId]);
        },
      },
    });
    consumer.start();
    stoppables.push(consumer);
    await waitFor(async () => (consumer.isConnected ? true : undefined), { what: 'the consumer to connect' });
    let offset = 0;
    const raw = (e: EventEnvelope) => ({ topic: TOPICS.referrals.name, partition: 0, offset: String((offset += 1)), key: Buffer.from(e.key), value: Buffer.from(JSON.stringify(e)) });
    const [a, b, c] = [referralEvent(`${prefix}1`), referralEvent(`${prefix}1`), referralEvent(`${prefix}2`)];

    // a delivered twice within the batch, then b and c again with c new
    expect(await consumer.processBatch([raw(a), raw(b), raw(a)])).toEqual(['handled', 'handled', 'duplicate']);
    expect(await consumer.processBatch([raw(b), raw(c)])).toEqual(['duplicate', 'handled']);

    // d fails: the batch rolls back, e is still applied and d is dead-lettered with nothing of it kept
    const [d, e] = [referralEvent(`${prefix}3`), referralEvent(`${prefix}3`)];
    failOn = d.eventId;
    expect(await consumer.processBatch([raw(d), raw(e)])).toEqual(['dead-lettered', 'handled']);
    expect((await effects(prefix)).map((r) => r.event_id)).toEqual([a.eventId, b.eventId, c.eventId, e.eventId]);
    const [{ n }] = await dataSource.query('SELECT count(*)::int AS n FROM inbox WHERE event_id = $1', [d.eventId]);
    expect(n).toBe(0);
    const [dead] = await dataSource.query('SELECT reason FROM dead_letter WHERE event_id = $1', [d.eventId]);
    expect(dead.reason).toBe('handler failed after 1 attempts: cannot apply this one');
  });

  it('republishes a batch that was sent but not marked, and consumers apply it once, in order', async () => {
    const prefix = `e${run}-`;
    const events = Array.from({ length: 6 }, (_, i) => referralEvent(`${prefix}${i % 2}`));
    await writeOutbox(events);
    const relay = new OutboxRelay(dataSource, kafka, { name: 'test' });
    while ((await relay.publishBatch()) > 0);
    // The crash window: Kafka has the batch, but the mark never committed.
    await dataSource.query(`UPDATE outbox SET published_at = NULL WHERE event_id = ANY($1::uuid[])`, [events.map((e) => e.eventId)]);
    while ((await relay.publishBatch()) > 0);
    await relay.stop();
    startConsumer(prefix);

    const rows = await waitFor(async () => {
      const r = await effects(prefix);
      return r.length === 6 ? r : undefined;
    }, { what: 'six effects' });
    for (const client of [`${prefix}0`, `${prefix}1`]) {
      expect(rows.filter((r) => r.client_id === client).map((r) => r.event_id)).toEqual(events.filter((e) => e.key === client).map((e) => e.eventId));
    }
    const onTopic = await readTopic(brokers(), TOPICS.referrals.name, (m) => m.filter((x) => x.key?.startsWith(prefix)).length >= 12);
    expect(onTopic.filter((m) => m.key?.startsWith(prefix))).toHaveLength(12);
  });

  it('resumes after the relay process is killed mid-batch, losing and reordering nothing', async () => {
    const prefix = `f${run}-`;
    const keys = Array.from({ length: 5 }, (_, i) => `${prefix}${i}`);
    const events = Array.from({ length: 1500 }, (_, i) => referralEvent(keys[i % keys.length]));
    for (let i = 0; i < events.length; i += 300) await writeOutbox(events.slice(i, i + 300));
    const { url } = dataSource.options as { url: string };
    const spawnRelay = (): ChildProcess =>
      spawn(process.execPath, [join(REPO_ROOT, 'libs/messaging/test/relay-process.js')], {
        env: { ...process.env, DATABASE_URL: url, KAFKA_BROKERS: brokers(), BATCH_SIZE: '25' },
        stdio: 'ignore',
      });
    const published = async () => (await dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE event_id = ANY($1::uuid[]) AND published_at IS NOT NULL`, [events.map((e) => e.eventId)]))[0].n as number;

    const first = spawnRelay();
    await waitFor(async () => ((await published()) >= 200 ? true : undefined), { what: 'the first relay to publish', intervalMs: 5 });
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const atKill = await published();
    expect(atKill).toBeLessThan(events.length);

    const second = spawnRelay();
    try {
      await waitFor(async () => ((await published()) === events.length ? true : undefined), { what: 'the second relay to finish', timeoutMs: 60000 });
    } finally {
      second.kill('SIGTERM');
      await new Promise((r) => second.once('exit', r));
    }

    const onTopic = await readTopic(brokers(), TOPICS.referrals.name, (m) => new Set(m.filter((x) => x.key?.startsWith(prefix)).map((x) => x.headers['event-id'])).size >= events.length, 60000);
    for (const key of keys) {
      const seen: string[] = [];
      for (const m of onTopic.filter((x) => x.key === key)) if (!seen.includes(m.headers['event-id'])) seen.push(m.headers['event-id']);
      expect(seen).toEqual(events.filter((e) => e.key === key).map((e) => e.eventId));
    }
  }, 120000);
});
