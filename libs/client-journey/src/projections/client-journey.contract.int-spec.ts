import { TOPICS } from '@umbrella/contracts';
import { inboxUnderTest, InboxUnderTest, MESSAGING_MIGRATIONS } from '@umbrella/messaging';
import { asKafkaMessage, contractExamples, recreateTestDatabase, replayExamples } from '@umbrella/testing';
import { DataSource } from 'typeorm';
import { JourneyTables1732400000300 } from '../migrations/1732400000300-journey-tables';
import { ClientAccess1732400000310 } from '../migrations/1732400000310-client-access';
import { Clients1732400000320 } from '../migrations/1732400000320-clients';
import { AccessModel1732400000325 } from '../migrations/1732400000325-access-model';
import { CaseNotes1732400000350 } from '../migrations/1732400000350-case-notes';
import { JourneyMessageController, TIMELINE_INBOX } from './journey.message.controller';
import { AGENCIES_INBOX, KnownAgenciesMessageController } from './known-agencies.message.controller';

/*
 * The consumers' side of the contract examples promised to client-journey's two consumer groups
 * (libs/contracts/examples/client-journey.*): each is handed to the group's consumer as the bytes
 * Kafka delivers, reaches its `@OnEvent` handler through Nest, and must be applied, leaving its row
 * on the timeline or in the directory copy.
 */
describe('client-journey consumes the events its producers promise it', () => {
  let dataSource: DataSource;
  let agencies: InboxUnderTest;
  let timeline: InboxUnderTest;

  beforeAll(async () => {
    const url = await recreateTestDatabase('umbrella_client_journey_contract_test');
    dataSource = new DataSource({ type: 'postgres', url, migrations: [...MESSAGING_MIGRATIONS, JourneyTables1732400000300, ClientAccess1732400000310, Clients1732400000320, AccessModel1732400000325, CaseNotes1732400000350] });
    await dataSource.initialize();
    await dataSource.runMigrations();
    agencies = await inboxUnderTest(AGENCIES_INBOX, { controllers: [KnownAgenciesMessageController] }, dataSource);
    timeline = await inboxUnderTest(TIMELINE_INBOX, { controllers: [JourneyMessageController] }, dataSource);
  });
  afterAll(async () => {
    await agencies?.close();
    await timeline?.close();
    await dataSource?.destroy();
  });

  describe(`the directory copy (${AGENCIES_INBOX.name})`, () => {
    const examples = contractExamples(AGENCIES_INBOX.name);

    it('has an example of every event type it handles', () => {
      expect([...new Set(examples.map((e) => e.envelope.type))].sort()).toEqual(agencies.handledTypes);
      for (const e of examples) expect(e.topic).toBe(TOPICS.agencies.name);
    });

    it('handles each example, and knows each agency afterwards', async () => {
      const outcomes = await replayExamples(agencies.consumer, examples);
      expect(outcomes).toEqual(Object.fromEntries(examples.map((e) => [e.file, 'handled'])));
      expect(await dataSource.query('SELECT agency_id FROM known_agency ORDER BY agency_id')).toEqual([{ agency_id: 'harbour-college' }, { agency_id: 'north-jobcentre' }]);
    });
  });

  describe(`the journey timeline (${TIMELINE_INBOX.name})`, () => {
    const examples = contractExamples(TIMELINE_INBOX.name);

    it('has an example of every event type it handles, on the topics it reads', () => {
      expect([...new Set(examples.map((e) => e.envelope.type))].sort()).toEqual(timeline.handledTypes);
      for (const e of examples) expect(TIMELINE_INBOX.topics).toContain(e.topic);
    });

    it('handles each example (none skipped or dead-lettered): each is on the timeline, and access follows the referrals and claims', async () => {
      const outcomes = await replayExamples(timeline.consumer, examples);
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
      expect(await timeline.consumer.processBatch(examples.map((e, offset) => asKafkaMessage(e, offset)))).toEqual(examples.map(() => 'duplicate'));
      expect(await dataSource.query('SELECT count(*)::int AS n FROM journey_entry')).toEqual([{ n: examples.length }]);
    });
  });
});
