import { appendToOutbox, EventPublisher, InboxUnderTest, inboxUnderTest, MESSAGING_MIGRATIONS } from '@umbrella/messaging';
import { asKafkaMessage, contractExamples, recreateTestDatabase, replayExamples } from '@umbrella/testing';
import { DataSource } from 'typeorm';
import { ReportingTables1732400000400 } from '../migrations/1732400000400-reporting-tables';
import { ReportingProjections1732400000410 } from '../migrations/1732400000410-reporting-projections';
import { ReferralFactsStream1732400000420 } from '../migrations/1732400000420-referral-facts-stream';
import { ProjectionsMessageController, REPORTING_INBOX } from './projections.message.controller';

/** The outbox without its relay: the facts stay in the outbox table, where the spec reads them. */
const publisher: EventPublisher = { publish: (tx, events) => appendToOutbox(tx, events) };

/*
 * The consumers' side of the contract examples (libs/contracts/examples/reporting.projections):
 * each is handed to the projections' consumer as the bytes Kafka delivers, reaches the projections
 * through Nest (one by one, or as a batch), and must be applied, leaving its row in the reporting tables.
 */
describe('reporting consumes the events its producers promise it', () => {
  const examples = contractExamples(REPORTING_INBOX.name);
  let dataSource: DataSource;
  let inbox: InboxUnderTest;

  beforeAll(async () => {
    const url = await recreateTestDatabase('umbrella_reporting_contract_test');
    dataSource = new DataSource({ type: 'postgres', url, migrations: [...MESSAGING_MIGRATIONS, ReportingTables1732400000400, ReportingProjections1732400000410, ReferralFactsStream1732400000420] });
    await dataSource.initialize();
    await dataSource.runMigrations();
    inbox = await inboxUnderTest(REPORTING_INBOX, { controllers: [ProjectionsMessageController], providers: [{ provide: EventPublisher, useValue: publisher }] }, dataSource);
  });
  afterAll(async () => {
    await inbox?.close();
    await dataSource?.destroy();
  });

  it('has an example of every event type it handles, on the topics it reads', () => {
    expect([...new Set(examples.map((e) => e.envelope.type))].sort()).toEqual(inbox.handledTypes);
    for (const e of examples) expect(REPORTING_INBOX.topics).toContain(e.topic);
  });

  it('handles each example (none skipped or dead-lettered), and each leaves its facts', async () => {
    const outcomes = await replayExamples(inbox.consumer, examples);
    expect(outcomes).toEqual(Object.fromEntries(examples.map((e) => [e.file, 'handled'])));

    expect(await dataSource.query('SELECT agency_id, stakeholder_type, region FROM agency_dim ORDER BY agency_id')).toEqual([
      { agency_id: 'harbour-college', stakeholder_type: 'education-or-training-provider', region: 'NB' },
      { agency_id: 'north-jobcentre', stakeholder_type: 'public-employment-service', region: 'NB' },
    ]);
    expect(await dataSource.query('SELECT client_id, age_band, under25, region, registered_by_agency_id FROM client_dim')).toEqual([
      { client_id: 'c-4e1b7d92', age_band: '18-24', under25: true, region: 'NB', registered_by_agency_id: 'north-jobcentre' },
    ]);
    // every referral (the v1 request upcast like the others) has reached the end of its lifecycle
    const referrals: { domain: string; status: string; answer: string | null; reject_reason: string | null; waitlisted: boolean; closed: boolean }[] = await dataSource.query(
      'SELECT domain, status, answer, reject_reason, waitlisted, closed_at IS NOT NULL AS closed FROM referral_fact ORDER BY requested_at',
    );
    expect(referrals).toEqual([
      { domain: 'confidence-and-motivation', status: 'entered-in-error', answer: 'expired', reject_reason: null, waitlisted: false, closed: true },
      { domain: 'training', status: 'completed', answer: 'accepted', reject_reason: null, waitlisted: false, closed: true },
      { domain: 'health', status: 'rejected', answer: 'rejected', reject_reason: 'not-eligible', waitlisted: false, closed: true },
      { domain: 'employment-case-management', status: 'cancelled', answer: null, reject_reason: null, waitlisted: false, closed: true },
      { domain: 'employer-placement', status: 'failed', answer: 'accepted', reject_reason: null, waitlisted: false, closed: true },
    ]);
    const referralEvents = examples.filter((e) => e.envelope.type.startsWith('Referral'));
    const [{ facts }] = await dataSource.query(`SELECT count(*)::int AS facts FROM outbox WHERE event_type = 'ReferralFactRecorded'`);
    expect(facts).toBe(referralEvents.length);
    expect(await dataSource.query('SELECT command, outcome, agency_id, domain FROM decision_fact')).toEqual([{ command: 'request-referral', outcome: 'allowed', agency_id: 'north-jobcentre', domain: 'training' }]);
    expect(await dataSource.query('SELECT outcome, credited_agency_id, contributing_agency_ids FROM outcome_fact')).toEqual([
      { outcome: 'job-entry', credited_agency_id: 'harbour-college', contributing_agency_ids: ['harbour-college', 'north-jobcentre'] },
    ]);
    expect(await dataSource.query('SELECT milestone, lead_agency_id FROM milestone_fact')).toEqual([{ milestone: 'job-entry', lead_agency_id: 'harbour-college' }]);
    expect(await dataSource.query('SELECT lead_agency_id FROM key_worker_assignment')).toEqual([{ lead_agency_id: 'harbour-college' }]);
  });

  it('applies them again as one batch as a redelivery: every one a duplicate, nothing changed', async () => {
    const before = await dataSource.query('SELECT * FROM referral_fact ORDER BY referral_id');
    const outcomes = await inbox.consumer.processBatch(examples.map((e, offset) => asKafkaMessage(e, offset)));
    expect(outcomes).toEqual(examples.map(() => 'duplicate'));
    expect(await dataSource.query('SELECT * FROM referral_fact ORDER BY referral_id')).toEqual(before);
  });
});
