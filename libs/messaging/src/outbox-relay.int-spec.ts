import { randomUUID } from 'node:crypto';
import { EventEnvelope, TOPICS } from '@umbrella/contracts';
import { readTopic, ReadMessage, recreateTestDatabase, waitFor } from '@umbrella/testing';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { createKafka } from './kafka';
import { MESSAGING_MIGRATIONS } from './migrations/messaging-migrations';
import { appendToOutbox, eventOfVersion } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { provisionTopics } from './topics';

/*
 * The relay when PostgreSQL fails between Kafka's acknowledgement and the mark: the relay's own
 * connection is terminated (pg_terminate_backend, from a trigger on the mark itself, so it happens
 * at exactly that moment), and what was acknowledged must not be sent again, or be counted when it is.
 */

const brokers = () => process.env.KAFKA_BROKERS as string;
const run = randomUUID().slice(0, 8);
const topic = `umbrella.test.relay-${run}`;

describe('the outbox relay when marking fails after sending', () => {
  let dataSource: DataSource;
  let kafka: Kafka;
  const relays: OutboxRelay[] = [];

  beforeAll(async () => {
    const url = await recreateTestDatabase('umbrella_messaging_relay_test');
    dataSource = new DataSource({ type: 'postgres', url, migrations: [...MESSAGING_MIGRATIONS] });
    await dataSource.initialize();
    await dataSource.runMigrations();
    // Terminates the session that marks a row of a planned prefix, the first `kills` times (a
    // sequence, since the failing transaction rolls back whatever else it wrote).
    await dataSource.query(`CREATE SEQUENCE relay_fault_seq`);
    await dataSource.query(`CREATE TABLE relay_fault (prefix text NOT NULL, kills int NOT NULL)`);
    await dataSource.query(`
      CREATE FUNCTION relay_fault() RETURNS trigger AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM relay_fault f WHERE NEW.message_key LIKE f.prefix || '%') THEN
          IF nextval('relay_fault_seq') <= (SELECT max(kills) FROM relay_fault) THEN
            PERFORM pg_terminate_backend(pg_backend_pid());
            PERFORM pg_sleep(10);
          END IF;
        END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await dataSource.query(`
      CREATE TRIGGER relay_fault BEFORE UPDATE OF published_at ON outbox
        FOR EACH ROW WHEN (OLD.published_at IS NULL AND NEW.published_at IS NOT NULL) EXECUTE FUNCTION relay_fault()`);
    kafka = createKafka({ brokers: brokers().split(','), clientId: 'relay-int-test' });
    await provisionTopics(kafka, [{ ...TOPICS.referrals, name: topic, partitions: 3 }]);
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
  });

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await dataSource.destroy();
  });

  async function planFault(prefix: string, kills: number): Promise<void> {
    await dataSource.query('DELETE FROM relay_fault');
    await dataSource.query('INSERT INTO relay_fault (prefix, kills) VALUES ($1, $2)', [prefix, kills]);
    await dataSource.query(`SELECT setval('relay_fault_seq', 1, false)`);
  }

  async function faultsFired(): Promise<number> {
    const [{ fired }] = await dataSource.query(`SELECT CASE WHEN is_called THEN last_value ELSE 0 END::int AS fired FROM relay_fault_seq`);
    return fired;
  }

  /** Events in the outbox, on this run's topic. */
  async function writeOutbox(prefix: string, count: number): Promise<EventEnvelope[]> {
    const events = Array.from({ length: count }, (_, i) =>
      eventOfVersion({
        type: 'ReferralRequested',
        schemaVersion: 1,
        producer: 'referral',
        data: { referralId: randomUUID(), clientId: `${prefix}${i % 5}`, fromAgencyId: 'north-jobcentre', toAgencyId: 'harbour-college', domain: 'training', requestedAt: new Date().toISOString() },
      }),
    );
    await dataSource.transaction(async (tx) => {
      await appendToOutbox(tx, events);
      await tx.query('UPDATE outbox SET topic = $1 WHERE event_id = ANY($2::uuid[])', [topic, events.map((e) => e.eventId)]);
    });
    return events;
  }

  /** Everything on the topic up to its end as it is now, read by an independent client. */
  async function readToEnd(): Promise<ReadMessage[]> {
    const admin = kafka.admin();
    await admin.connect();
    const ends = (await admin.fetchTopicOffsets(topic)).filter((p) => BigInt(p.high) > BigInt(p.low));
    await admin.disconnect();
    return readTopic(brokers(), topic, (m) => ends.every((p) => m.some((x) => x.partition === p.partition && BigInt(x.offset) === BigInt(p.high) - 1n)), 30000);
  }

  function copiesOf(messages: readonly ReadMessage[], events: readonly EventEnvelope[]): number[] {
    return events.map((e) => messages.filter((m) => m.headers['event-id'] === e.eventId).length);
  }

  async function unmarked(events: readonly EventEnvelope[]): Promise<number> {
    const [{ n }] = await dataSource.query('SELECT count(*)::int AS n FROM outbox WHERE event_id = ANY($1::uuid[]) AND published_at IS NULL', [events.map((e) => e.eventId)]);
    return n;
  }

  it('marks what Kafka acknowledged once the database answers again, instead of sending the batch again', async () => {
    const prefix = `once-${run}-`;
    const events = await writeOutbox(prefix, 250);
    await planFault(prefix, 3);
    const relay = new OutboxRelay(dataSource, kafka, { name: 'relay-test', idlePollMs: 20 });
    relays.push(relay);
    relay.start();

    await waitFor(async () => (await unmarked(events)) === 0, { what: 'every event marked', timeoutMs: 30000 });
    expect(await faultsFired()).toBeGreaterThanOrEqual(3);
    await relay.stop();

    const copies = copiesOf(await readToEnd(), events);
    expect(copies.filter((n) => n !== 1)).toEqual([]);
    expect(relay.published).toBe(events.length);
    expect(relay.republished).toBe(0);
  }, 60000);

  it('counts the copies when another instance published what this one had sent but could not mark', async () => {
    const prefix = `twice-${run}-`;
    const events = await writeOutbox(prefix, 40);
    await planFault(prefix, 1);
    const first = new OutboxRelay(dataSource, kafka, { name: 'relay-first' });
    const second = new OutboxRelay(dataSource, kafka, { name: 'relay-second' });
    relays.push(first, second);

    await expect(first.publishBatch()).rejects.toThrow(/terminating connection/);
    expect(await faultsFired()).toBe(1);
    expect(await second.publishBatch()).toBe(events.length);
    // the first instance marks what Kafka acknowledged before reading again, finds it marked: two copies went out
    expect(await first.publishBatch()).toBe(0);

    const copies = copiesOf(await readToEnd(), events);
    expect(copies.filter((n) => n !== 2)).toEqual([]);
    expect(first.republished + second.republished).toBe(events.length);
    expect(await unmarked(events)).toBe(0);
  }, 60000);
});
