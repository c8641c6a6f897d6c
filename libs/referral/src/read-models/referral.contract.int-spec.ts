import { InboxUnderTest, inboxUnderTest, Messaging, MESSAGING_MIGRATIONS, OutboxPublisher } from '@umbrella/messaging';
import { Database, HealthRegistry } from '@umbrella/platform';
import { contractExamples, recreateTestDatabase, replayExamples } from '@umbrella/testing';
import { AgreementStore } from '../agreement/agreement.store';
import { PublishAgreementHandler } from '../commands/publish-agreement/publish-agreement.handler';
import { DecisionRunner } from '../engine/decision-runner';
import { ReferralTables1732400000100 } from '../migrations/1732400000100-referral-tables';
import { AgreementAndClaims1732400000110 } from '../migrations/1732400000110-agreement-and-claims';
import { ConsentPurpose1732400000120 } from '../migrations/1732400000120-consent-purpose';
import { StructuredReasons1732400000150 } from '../migrations/1732400000150-structured-reasons';
import { CancelOnConsentWithdrawnHandler } from '../commands/cancel-on-consent-withdrawn/cancel-on-consent-withdrawn.handler';
import { CancelOnConsentWithdrawnMessageController } from '../commands/cancel-on-consent-withdrawn/cancel-on-consent-withdrawn.message.controller';
import { CreditOutcomeHandler } from '../commands/credit-outcome/credit-outcome.handler';
import { CreditOutcomeMessageController } from '../commands/credit-outcome/credit-outcome.message.controller';
import { REFERRAL_INBOX } from '../referral.inbox';
import { Referral } from '../referral.entity';
import { KnownClientsMessageController } from './known-clients.message.controller';
import { KnownDirectoryMessageController } from './known-directory.message.controller';
import { KnownAgency } from './known-agency.entity';

/*
 * The consumers' side of the contract examples promised to the referral service's read models
 * (libs/contracts/examples/referral.read-models): each is handed to the group's consumer as the
 * bytes Kafka delivers, reaches its `@OnEvent` handler through Nest, and must be applied, leaving
 * its row in the service's copies of other services' data, or the decision it takes (a job entry
 * is an outcome to credit, UA-10).
 */
describe('the referral service consumes the events its producers promise it', () => {
  const examples = contractExamples(REFERRAL_INBOX.name);
  let database: Database;
  let inbox: InboxUnderTest;

  beforeAll(async () => {
    const url = await recreateTestDatabase('umbrella_referral_contract_test');
    database = new Database({ url, entities: [Referral, KnownAgency], migrations: [...MESSAGING_MIGRATIONS, ReferralTables1732400000100, AgreementAndClaims1732400000110, ConsentPurpose1732400000120, StructuredReasons1732400000150] });
    database.start();
    await database.whenReady();
    const brokers = (process.env.KAFKA_BROKERS as string).split(',');
    // no relay and no consumer is started: the decisions' events stay in the outbox, nothing is read from the broker
    const messaging = new Messaging({ brokers, clientId: 'referral-contract-test', publishes: false }, database, new HealthRegistry());
    const publisher = new OutboxPublisher(messaging);
    const agreements = new AgreementStore(database);
    await new PublishAgreementHandler(database, publisher, agreements).seed();
    // the group's message controllers, as the module declares them
    inbox = await inboxUnderTest(
      REFERRAL_INBOX,
      {
        controllers: [KnownDirectoryMessageController, KnownClientsMessageController, CancelOnConsentWithdrawnMessageController, CreditOutcomeMessageController],
        providers: [CancelOnConsentWithdrawnHandler, CreditOutcomeHandler, { provide: DecisionRunner, useValue: new DecisionRunner(database, publisher, agreements) }],
      },
      database.dataSource,
    );
  });
  afterAll(async () => {
    await inbox?.close();
    await database?.close();
  });

  it('has an example of every event type it handles, on the topics it reads', () => {
    expect([...new Set(examples.map((e) => e.envelope.type))].sort()).toEqual(inbox.handledTypes);
    for (const e of examples) expect(REFERRAL_INBOX.topics).toContain(e.topic);
  });

  it('handles each example (none skipped or dead-lettered), and each leaves its row', async () => {
    const outcomes = await replayExamples(inbox.consumer, examples);
    expect(outcomes).toEqual(Object.fromEntries(examples.map((e) => [e.file, 'handled'])));

    const q = (sql: string) => database.dataSource.query(sql);
    expect(await q('SELECT agency_id, name, stakeholder_type, region FROM known_agency ORDER BY agency_id')).toEqual([
      { agency_id: 'harbour-college', name: 'Harbour College of Further Education', stakeholder_type: 'education-or-training-provider', region: 'NB' },
      { agency_id: 'north-jobcentre', name: 'North Jobcentre', stakeholder_type: 'public-employment-service', region: 'NB' },
    ]);
    expect(await q('SELECT agency_id, agreement_version, signed FROM agency_signature ORDER BY agency_id')).toEqual([
      { agency_id: 'harbour-college', agreement_version: '1', signed: true },
      { agency_id: 'north-jobcentre', agreement_version: '1', signed: false },
    ]);
    expect(await q('SELECT agency_id, name, status, domain, available, waitlist_allowed FROM known_service')).toEqual([
      { agency_id: 'harbour-college', name: 'Construction skills bootcamp', status: 'defunct', domain: 'training', available: 11, waitlist_allowed: true },
    ]);
    expect(await q('SELECT client_id, agency_id FROM client_lead')).toEqual([{ client_id: 'c-4e1b7d92', agency_id: 'north-jobcentre' }]);
    expect(await q('SELECT client_id, agency_id, domain, purpose, active FROM client_consent')).toEqual([
      { client_id: 'c-4e1b7d92', agency_id: 'harbour-college', domain: null, purpose: 'referral', active: false },
    ]);
    // the job entry is credited (UA-10) to the lead in this database, the registering agency (a handover
    // is this service's own decision, not an event it consumes)
    expect(await q('SELECT command, outcome, code, agency_id FROM decision')).toEqual([{ command: 'credit-outcome', outcome: 'allowed', code: null, agency_id: 'harbour-college' }]);
    expect(await q('SELECT milestone_id, outcome, credited_agency_id FROM credited_outcome')).toEqual([
      { milestone_id: 'e4a1c7b3-2d9f-4e8a-b5c6-1f0d3a7e9b21', outcome: 'job-entry', credited_agency_id: 'north-jobcentre' },
    ]);
    expect(await q(`SELECT event_type FROM outbox ORDER BY id`)).toEqual([{ event_type: 'AgreementPublished' }, { event_type: 'AgreementDecisionRecorded' }, { event_type: 'OutcomeCredited' }]);
  });
});
