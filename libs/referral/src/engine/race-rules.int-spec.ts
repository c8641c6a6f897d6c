import { EngineEvent, ReferralFacts } from '@umbrella/agreement';
import { DomainOfSupport } from '@umbrella/contracts';
import { randomUUID } from 'node:crypto';
import { DAY, pipelineDatabase, PipelineDatabase, seeder, writeContext } from '../test/decision-pipeline';
import { applyEngineEvents } from './event-writers';
import { asRaceLost, RaceLost } from './race-rules';

/*
 * The unique constraints and the guarded updates are the rules' last line of defence, should two
 * instances race past the client's lock. Each writer is handed an event whose row another
 * decision has already written, on the real tables: the violation must come back as the rule the
 * constraint enforces, never as a database error.
 */
describe('a write that lost a race is refused by the rule it breaks', () => {
  const CLIENT = 'c-race-2b9d';
  let db: PipelineDatabase;
  let seed: ReturnType<typeof seeder>;

  beforeAll(async () => {
    db = await pipelineDatabase('umbrella_referral_race_rules_test');
    seed = seeder(db.q);
  });
  afterAll(() => db?.database.close());
  beforeEach(() => db.reset());

  const apply = (events: EngineEvent[], agencyId: string | null = 'agency-a') => db.database.transaction((tx) => applyEngineEvents(events, writeContext(tx, CLIENT, agencyId)));

  /** The race a write lost, as the runner will see it. */
  async function lost(write: Promise<unknown>): Promise<{ code: string; message: string }> {
    const error: unknown = await write.then(
      () => null,
      (e: unknown) => e,
    );
    if (!(error instanceof RaceLost)) throw new Error(`expected a lost race, got ${error instanceof Error ? error.message : String(error)}`);
    return { code: error.code, message: error.message };
  }

  const requested = (domain: DomainOfSupport, overrides: Partial<ReferralFacts> = {}): EngineEvent => {
    const now = new Date();
    return {
      type: 'ReferralRequested',
      referral: { id: randomUUID(), clientId: CLIENT, fromAgencyId: 'agency-a', toAgencyId: 'agency-b', domain, status: 'requested', requestedAt: now, respondBy: new Date(now.getTime() + 2 * DAY), handsOverLead: false, ...overrides },
      serviceId: null,
      waitlisted: false,
    };
  };

  it('UA-5: a second open referral for the client in the domain (referral_one_open_per_client_domain)', async () => {
    await seed.referral({ clientId: CLIENT, from: 'agency-c', to: 'agency-d', domain: 'health', status: 'on-hold' });
    expect(await lost(apply([requested('health')]))).toEqual({ code: 'UA-5', message: 'This client already has an open referral in this domain.' });
    // a closed referral, or one in another domain, stands in no one's way
    await seed.referral({ clientId: CLIENT, from: 'agency-c', to: 'agency-d', domain: 'training', status: 'completed' });
    await expect(apply([requested('training')])).resolves.toHaveLength(1);
  });

  it('UA-4: a second holder of an exclusive domain (claim_one_holder_in_exclusive_domain)', async () => {
    await seed.claim({ clientId: CLIENT, agencyId: 'agency-c', domain: 'health', exclusive: true });
    expect(await lost(apply([{ type: 'ClaimGranted', agencyId: 'agency-b', domain: 'health', exclusive: true, referralId: null }]))).toEqual({
      code: 'UA-4',
      message: "Another agency already holds this client's case in this exclusive domain.",
    });
  });

  it('UA-4: the same agency claiming twice in a shared domain (claim_once_per_agency); a released claim is no claim', async () => {
    await seed.claim({ clientId: CLIENT, agencyId: 'agency-b', domain: 'training', exclusive: false });
    const claim: EngineEvent = { type: 'ClaimGranted', agencyId: 'agency-b', domain: 'training', exclusive: false, referralId: null };
    expect(await lost(apply([claim]))).toEqual({ code: 'UA-4', message: 'Your agency already holds this claim.' });
    // another agency shares the domain
    await expect(apply([{ ...claim, agencyId: 'agency-c' }])).resolves.toHaveLength(1);
    await db.q(`UPDATE claim SET released_at = now() WHERE agency_id = 'agency-b'`);
    await expect(apply([claim])).resolves.toHaveLength(1);
  });

  it('UA-3: a first lead for a client that has one (client_lead_pkey)', async () => {
    const referralId = await seed.referral({ clientId: CLIENT, from: 'agency-a', to: 'agency-b', domain: 'health', status: 'accepted' });
    await seed.lead(CLIENT, 'agency-c');
    expect(await lost(apply([{ type: 'LeadHandedOver', fromAgencyId: null, toAgencyId: 'agency-b', referralId }]))).toEqual({ code: 'UA-3', message: 'This client already has a lead agency.' });
  });

  it('UA-3: a handover from a lead that has changed meanwhile', async () => {
    const referralId = await seed.referral({ clientId: CLIENT, from: 'agency-a', to: 'agency-b', domain: 'health', status: 'accepted' });
    await seed.lead(CLIENT, 'agency-c');
    expect(await lost(apply([{ type: 'LeadHandedOver', fromAgencyId: 'agency-a', toAgencyId: 'agency-b', referralId }]))).toEqual({
      code: 'UA-3',
      message: 'The lead changed a moment ago; this referral can no longer hand it over.',
    });
    expect(await db.q('SELECT agency_id FROM client_lead WHERE client_id = $1', [CLIENT])).toEqual([{ agency_id: 'agency-c' }]);
  });

  it('UA-10: crediting an outcome twice (credited_outcome_pkey)', async () => {
    const milestoneId = randomUUID();
    await seed.credited(CLIENT, 'job-entry', milestoneId, 'agency-a');
    expect(await lost(apply([{ type: 'OutcomeCredited', milestoneId, outcome: 'job-entry', creditedAgencyId: 'agency-b', contributingAgencyIds: [] }], null))).toEqual({
      code: 'UA-10',
      message: 'This outcome has already been credited to one agency.',
    });
  });

  it('REFERRAL.ILLEGAL_TRANSITION: a step from a status the referral has already left', async () => {
    const referralId = await seed.referral({ clientId: CLIENT, from: 'agency-a', to: 'agency-b', domain: 'health', status: 'cancelled' });
    const accept: EngineEvent = { type: 'ReferralStatusChanged', referralId, action: 'accept', from: 'requested', to: 'accepted', reason: null };
    expect(await lost(apply([accept], 'agency-b'))).toEqual({ code: 'REFERRAL.ILLEGAL_TRANSITION', message: 'The referral is no longer requested; someone acted on it a moment ago.' });
    expect(await db.q('SELECT status FROM referral WHERE id = $1', [referralId])).toEqual([{ status: 'cancelled' }]);
  });

  it('undoes the writes before the one that lost, with the transaction', async () => {
    const referralId = await seed.referral({ clientId: CLIENT, from: 'agency-a', to: 'agency-b', domain: 'health' });
    await seed.claim({ clientId: CLIENT, agencyId: 'agency-c', domain: 'health', exclusive: true });
    const accepted: EngineEvent[] = [
      { type: 'ReferralStatusChanged', referralId, action: 'accept', from: 'requested', to: 'accepted', reason: null },
      { type: 'ClaimGranted', agencyId: 'agency-b', domain: 'health', exclusive: true, referralId },
    ];
    expect(await lost(apply(accepted, 'agency-b'))).toMatchObject({ code: 'UA-4' });
    expect(await db.q('SELECT status FROM referral WHERE id = $1', [referralId])).toEqual([{ status: 'requested' }]);
    expect(await db.q('SELECT agency_id FROM claim WHERE client_id = $1', [CLIENT])).toEqual([{ agency_id: 'agency-c' }]);
  });

  it('leaves a violation no rule stands behind as the database error it is', async () => {
    const id = await seed.referral({ clientId: CLIENT, from: 'agency-a', to: 'agency-b', domain: 'health', status: 'completed' });
    const error: unknown = await apply([requested('training', { id })]).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(RaceLost);
    expect(asRaceLost(error)).toBeNull();
    expect(error).toMatchObject({ message: expect.stringContaining('referral_pkey') });
  });
});
