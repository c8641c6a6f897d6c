import { TOPICS } from '@umbrella/contracts';
import { createKafka, InboxConsumer, MESSAGING_MIGRATIONS } from '@umbrella/messaging';
import { asKafkaMessage, contractExamples, recreateTestDatabase, replayExamples } from '@umbrella/testing';
import { DataSource } from 'typeorm';
import { AGENCIES_CONSUMER, JOURNEY_CONSUMER } from '../client-journey.module';
import { JourneyTables1732400000300 } from '../migrations/1732400000300-journey-tables';
import { ClientAccess1732400000310 } from '../migrations/1732400000310-client-access';
import { Clients1732400000320 } from '../migrations/1732400000320-clients';
import { AccessModel1732400000325 } from '../migrations/1732400000325-access-model';
import { CaseNotes1732400000350 } from '../migrations/1732400000350-case-notes';
import { onAgencyRegistered } from './agencies.projection';
import { TIMELINE_TOPICS, timelineHandlers } from './journey.projection';

/*
 * The consumers' side of the contract examples promised to client-journey's two consumer groups
 * (libs/contracts/examples/client-journey.*): each is handed to the group's inbox consumer as the
 * bytes Kafka delivers, and must be applied, leaving its row on the timeline or in the directory copy.
 */
describe('client-journey consumes the events its producers promise it', () => {
  let dataSource: DataSource;
  // the options the module registers; never started, so nothing is read from the broker
  const consumer = (name: string, topics: readonly string[], handlers: ConstructorParameters<typeof InboxConsumer>[2]['handlers']) =>
    new InboxConsumer(dataSource, createKafka({ brokers: (process.env.KAFKA_BROKERS as string).split(','), clientId: 'client-journey-contract-test' }), { name, topics, handlers, maxAttempts: 1 });

  beforeAll(async () => {
    const url = await recreateTestDatabase('umbrella_client_journey_contract_test');
    dataSource = new DataSource({ type: 'postgres', url, migrations: [...MESSAGING_MIGRATIONS, JourneyTables1732400000300, ClientAccess1732400000310, Clients1732400000320, AccessModel1732400000325, CaseNotes1732400000350] });
    await dataSource.initialize();
    await dataSource.runMigrations();
  });
  afterAll(() => dataSource?.destroy());

  describe(`the directory copy (${AGENCIES_CONSUMER})`, () => {
    const examples = contractExamples(AGENCIES_CONSUMER);
    const handlers = { AgencyRegistered: onAgencyRegistered };

    it('has an example of every event type it handles', () => {
      expect([...new Set(examples.map((e) => e.envelope.type))].sort()).toEqual(Object.keys(handlers).sort());
      for (const e of examples) expect(e.topic).toBe(TOPICS.agencies.name);
    });

    it('handles each example, and knows each agency afterwards', async () => {
      const outcomes = await replayExamples(consumer(AGENCIES_CONSUMER, [TOPICS.agencies.name], handlers), examples);
      expect(outcomes).toEqual(Object.fromEntries(examples.map((e) => [e.file, 'handled'])));
      expect(await dataSource.query('SELECT agency_id FROM known_agency ORDER BY agency_id')).toEqual([{ agency_id: 'harbour-college' }, { agency_id: 'north-jobcentre' }]);
    });
  });

  describe(`the journey timeline (${JOURNEY_CONSUMER})`, () => {
    const examples = contractExamples(JOURNEY_CONSUMER);
    const handlers = timelineHandlers();

    it('has an example of every event type it handles, on the topics it reads', () => {
      expect([...new Set(examples.map((e) => e.envelope.type))].sort()).toEqual(Object.keys(handlers).sort());
      for (const e of examples) expect(TIMELINE_TOPICS).toContain(e.topic);
    });

    it('handles each example (none skipped or dead-lettered): each is on the timeline, and access follows the referrals and claims', async () => {
      const timeline = consumer(JOURNEY_CONSUMER, TIMELINE_TOPICS, handlers);
      const outcomes = await replayExamples(timeline, examples);
      expect(outcomes).toEqual(Object.fromEntries(examples.map((e) => [e.file, 'handled'])));

      const entries: { event_id: string; event_type: string; summary: string }[] = await dataSource.query('SELECT event_id, event_type, summary FROM journey_entry ORDER BY occurred_at, seq');
      expect(entries.map((e) => e.event_id)).toEqual(examples.map((e) => e.envelope.eventId));
      expect(entries.find((e) => e.event_type === 'ReferralRequested')?.summary).toBe('Referred by north-jobcentre to harbour-college for confidence-and-motivation');
      // every referral and the claim have ended, so none of them still opens the client to an agency
      expect(await dataSource.query('SELECT basis, count(*)::int AS granted, count(revoked_at)::int AS revoked FROM client_agency_access GROUP BY basis ORDER BY basis')).toEqual([
        { basis: 'claim', granted: 1, revoked: 1 },
        { basis: 'open-referral', granted: 10, revoked: 10 },
      ]);

      // a redelivery of the whole story, as Kafka hands it over in one batch, changes nothing
      expect(await timeline.processBatch(examples.map((e, offset) => asKafkaMessage(e, offset)))).toEqual(examples.map(() => 'duplicate'));
      expect(await dataSource.query('SELECT count(*)::int AS n FROM journey_entry')).toEqual([{ n: examples.length }]);
    });
  });
});
