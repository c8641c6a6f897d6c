import { Agreement } from '@umbrella/agreement';
import { randomUUID } from 'node:crypto';
import { DAY, pipelineDatabase, PipelineDatabase, seeder } from '../test/decision-pipeline';
import { loadDecisionInputs } from './client-state';

/*
 * What a decision reads under the client's lock, from the referral service's own tables and read
 * models on real PostgreSQL: the one statement must pick exactly the client's live state and the
 * directory of the agencies involved, and leave out what no rule looks at.
 */
describe('loading what a decision reads', () => {
  const CLIENT = 'c-state-7f3a';
  const OTHER = 'c-state-other';
  let db: PipelineDatabase;
  let seed: ReturnType<typeof seeder>;
  let agreement: Agreement;
  const ids = { open: '', recentlyClosed: '', longClosed: '', service: '', defunct: '', milestone: randomUUID() };
  const T0 = Date.now();
  const recently = new Date(T0 - 10 * DAY);

  beforeAll(async () => {
    db = await pipelineDatabase('umbrella_referral_client_state_test');
    seed = seeder(db.q);
    agreement = await db.agreements.active();

    await seed.agency('agency-a');
    await seed.agency('agency-b', { signed: ['1'], unsigned: ['2'] });
    await seed.agency('agency-c', { signed: ['2'] });
    await seed.agency('agency-d');
    await seed.lead(CLIENT, 'agency-a');
    await seed.lead(OTHER, 'agency-d');

    // an open referral counts however old it is; a closed one only within the hand-back window (UA-6)
    ids.open = await seed.referral({ clientId: CLIENT, from: 'agency-a', to: 'agency-b', domain: 'health', status: 'accepted', requestedAt: new Date(T0 - 200 * DAY) });
    ids.recentlyClosed = await seed.referral({ clientId: CLIENT, from: 'agency-b', to: 'agency-a', domain: 'training', status: 'rejected', requestedAt: recently });
    ids.longClosed = await seed.referral({ clientId: CLIENT, from: 'agency-a', to: 'agency-c', domain: 'housing', status: 'completed', requestedAt: new Date(T0 - 100 * DAY) });
    await seed.referral({ clientId: OTHER, from: 'agency-d', to: 'agency-b', domain: 'health' });

    await seed.claim({ clientId: CLIENT, agencyId: 'agency-b', domain: 'health', exclusive: true, referralId: ids.open });
    await seed.claim({ clientId: CLIENT, agencyId: 'agency-c', domain: 'housing', exclusive: false, released: true });
    await seed.claim({ clientId: OTHER, agencyId: 'agency-d', domain: 'training', exclusive: false });

    await seed.consent({ clientId: CLIENT, agencyId: 'agency-b' });
    await seed.consent({ clientId: CLIENT, agencyId: 'agency-c', purpose: 'case-coordination' });
    await seed.consent({ clientId: CLIENT, domain: 'housing' });
    await seed.consent({ clientId: CLIENT, agencyId: 'agency-d', active: false });
    await seed.consent({ clientId: OTHER, agencyId: 'agency-a' });

    await seed.credited(CLIENT, 'job-entry', ids.milestone, 'agency-a');
    await seed.credited(OTHER, 'job-entry', randomUUID(), 'agency-d');

    ids.service = await seed.service({ agencyId: 'agency-b', domain: 'health', name: 'Physio', available: 3, waitlistAllowed: false });
    ids.defunct = await seed.service({ agencyId: 'agency-b', domain: 'addiction', status: 'defunct' });
    await seed.service({ agencyId: 'agency-c', domain: 'training', status: 'temporarily closed' });
    await seed.service({ agencyId: 'agency-d', domain: 'health' });
  });
  afterAll(() => db?.database.close());

  const load = (about: { referralId?: string; serviceId?: string } = {}, a: Agreement = agreement) =>
    loadDecisionInputs(db.database.dataSource.manager, CLIENT, ['agency-a', 'agency-b', 'agency-c', 'agency-x'], a, new Date(), about);

  it("reads the client's lead, active claims, live referrals, active consents and credited outcomes, and nobody else's", async () => {
    const { state } = await load();
    expect(state).toEqual({
      clientId: CLIENT,
      leadAgencyId: 'agency-a',
      claims: [{ agencyId: 'agency-b', domain: 'health', referralId: ids.open }],
      referrals: expect.any(Array),
      consents: expect.arrayContaining([
        { agencyId: 'agency-b', domain: null, purpose: 'referral' },
        { agencyId: 'agency-c', domain: null, purpose: 'case-coordination' },
        { agencyId: null, domain: 'housing', purpose: 'referral' },
      ]),
      creditedOutcomes: [`job-entry:${ids.milestone}`],
    });
    expect(state.consents).toHaveLength(3);
    expect(state.referrals.map((r) => r.id).sort()).toEqual([ids.open, ids.recentlyClosed].sort());
    expect(state.referrals.find((r) => r.id === ids.recentlyClosed)).toEqual({
      id: ids.recentlyClosed,
      clientId: CLIENT,
      fromAgencyId: 'agency-b',
      toAgencyId: 'agency-a',
      domain: 'training',
      status: 'rejected',
      requestedAt: recently,
      respondBy: new Date(recently.getTime() + 2 * DAY),
      handsOverLead: false,
    });
  });

  it('takes the hand-back window from the agreement in force: a closed referral older than it is left out', async () => {
    const { state } = await load({}, { ...agreement, rules: { ...agreement.rules, handBackWindowDays: 5 } });
    expect(state.referrals.map((r) => r.id)).toEqual([ids.open]);
    const { state: wide } = await load({}, { ...agreement, rules: { ...agreement.rules, handBackWindowDays: 365 } });
    expect(wide.referrals.map((r) => r.id).sort()).toEqual([ids.open, ids.recentlyClosed, ids.longClosed].sort());
  });

  it('reads a client it knows nothing of as an empty state', async () => {
    const { state } = await loadDecisionInputs(db.database.dataSource.manager, 'c-state-nobody', [], agreement, new Date());
    expect(state).toEqual({ clientId: 'c-state-nobody', leadAgencyId: null, claims: [], referrals: [], consents: [], creditedOutcomes: [] });
  });

  it('sees the directory of the agencies involved: who is known, who signed which version, who offers what', async () => {
    const { directory } = await load();
    expect(['agency-a', 'agency-b', 'agency-c', 'agency-d', 'agency-x'].map((id) => [id, directory.known(id), directory.agencyName(id)])).toEqual([
      ['agency-a', true, 'Agency A'],
      ['agency-b', true, 'Agency B'],
      ['agency-c', true, 'Agency C'],
      // known to the service, but not one of the agencies this decision involves
      ['agency-d', false, 'agency-d'],
      ['agency-x', false, 'agency-x'],
    ]);
    expect(directory.isSignatory('agency-a', '1')).toBe(true);
    expect(directory.isSignatory('agency-b', '1')).toBe(true);
    // a signature row that says unsigned is no signature
    expect(directory.isSignatory('agency-b', '2')).toBe(false);
    expect(directory.isSignatory('agency-c', '1')).toBe(false);
    expect(directory.isSignatory('agency-c', '2')).toBe(true);
    expect(directory.isSignatory('agency-d', '1')).toBe(false);

    expect(directory.offers('agency-b', 'health')).toBe(true);
    // a defunct service offers nothing; one closed for now still places the agency in its domain
    expect(directory.offers('agency-b', 'addiction')).toBe(false);
    expect(directory.offers('agency-c', 'training')).toBe(true);
    expect(directory.offers('agency-a', 'health')).toBe(false);
    expect(directory.offers('agency-d', 'health')).toBe(false);
  });

  it('reads the referral and the service the decision names, and null for one that does not exist or was not named', async () => {
    const named = await load({ referralId: ids.open, serviceId: ids.service });
    expect(named.referral).toEqual({
      id: ids.open,
      clientId: CLIENT,
      fromAgencyId: 'agency-a',
      toAgencyId: 'agency-b',
      domain: 'health',
      status: 'accepted',
      requestedAt: new Date(T0 - 200 * DAY),
      respondBy: new Date(T0 - 198 * DAY),
      handsOverLead: false,
    });
    expect(named.service).toEqual({ serviceId: ids.service, agencyId: 'agency-b', name: 'Physio', status: 'active', available: 3, waitlistAllowed: false });
    // a defunct service is still read: it is the engine that refuses it (UA-7)
    expect((await load({ serviceId: ids.defunct })).service).toMatchObject({ serviceId: ids.defunct, status: 'defunct' });

    const missing = await load({ referralId: randomUUID(), serviceId: randomUUID() });
    expect(missing).toMatchObject({ referral: null, service: null });
    expect(await load()).toMatchObject({ referral: null, service: null });
  });
});
