import { decideClaim, decideClaimsAfterWithdrawal, decideOutcome, decideRelease, decideRequest, decideStep, referralStillCovered, RequestReferral } from './decide';
import { agreementV1, client, consent, directory, NOW, referral, withRules } from './test/fixtures';

const a = agreementV1();
const request = (overrides: Partial<RequestReferral> = {}): RequestReferral => ({
  referralId: 'r-new',
  clientId: 'c-1',
  fromAgencyId: 'a',
  toAgencyId: 'b',
  domain: 'health',
  handsOverLead: false,
  service: null,
  ...overrides,
});
const service = { serviceId: 's-1', agencyId: 'b', name: 'Physio', status: 'active', available: 3, waitlistAllowed: true };

describe('requesting a referral', () => {
  it('allows a referral between signatories the client consented to, with the response deadline (UA-8, business days)', () => {
    const d = decideRequest(a, client(), directory(), request(), NOW);
    expect(d.outcome).toBe('allowed');
    if (d.outcome !== 'allowed') return;
    expect(d.agreementVersion).toBe('1');
    expect(d.events).toEqual([
      {
        type: 'ReferralRequested',
        serviceId: null,
        waitlisted: false,
        referral: expect.objectContaining({ id: 'r-new', status: 'requested', requestedAt: NOW, respondBy: new Date('2026-11-26T10:00:00Z') }),
      },
    ]);
  });

  it('counts calendar days when the agreement says so', () => {
    const d = decideRequest(withRules(a, { businessDays: false, responseWindow: 5 }), client(), directory(), request(), new Date('2026-11-27T09:00:00Z'));
    expect(d.outcome === 'allowed' && d.events[0].type === 'ReferralRequested' && d.events[0].referral.respondBy).toEqual(new Date('2026-12-02T09:00:00Z'));
  });

  it('UA-1: refuses a sender or a receiver that has not signed', () => {
    expect(decideRequest(a, client(), directory(['b']), request(), NOW)).toEqual({
      outcome: 'refused',
      code: 'UA-1',
      message: 'Agency A has not signed version 1 of the umbrella agreement, so it cannot send referrals.',
      agreementVersion: '1',
    });
    expect(decideRequest(a, client(), directory(['a']), request(), NOW)).toMatchObject({ code: 'UA-1', message: expect.stringContaining('cannot receive') });
    expect(decideRequest(withRules(a, { requireSignature: false }), client(), directory([]), request(), NOW).outcome).toBe('allowed');
  });

  it('UA-2: needs consent for referral naming the receiving agency, or for the domain when the agency offers a service in it', () => {
    const noConsent = client({ consents: [consent('c'), consent(null, 'referral', 'housing')] });
    expect(decideRequest(a, noConsent, directory(), request(), NOW)).toMatchObject({ code: 'UA-2', message: 'The client has not consented to be referred to Agency B for health.' });
    const healthConsent = client({ consents: [consent(null, 'referral', 'health')] });
    expect(decideRequest(a, healthConsent, directory(), request(), NOW).outcome).toBe('allowed');
    // a domain consent covers only the agencies of that domain: those offering a service in it
    expect(decideRequest(a, healthConsent, directory(undefined, ['b housing']), request(), NOW)).toMatchObject({ code: 'UA-2' });
    expect(decideRequest(a, healthConsent, directory(undefined, ['b health']), request(), NOW).outcome).toBe('allowed');
    // a consent for another purpose does not cover a referral
    for (const purpose of ['case-coordination', 'outcome-tracking'] as const) {
      expect(decideRequest(a, client({ consents: [consent('b', purpose), consent(null, purpose, 'health')] }), directory(), request(), NOW)).toMatchObject({ code: 'UA-2' });
    }
    expect(decideRequest(a, client({ consents: [] }), directory(), request(), NOW).outcome).toBe('refused');
    expect(decideRequest(withRules(a, { requireConsent: false }), client({ consents: [] }), directory(), request(), NOW).outcome).toBe('allowed');
  });

  it('UA-5: refuses a second open referral for the same client and domain, from any agency', () => {
    const state = client({ referrals: [referral({ fromAgencyId: 'c', toAgencyId: 'd', status: 'in-progress' })] });
    expect(decideRequest(a, state, directory(), request(), NOW)).toMatchObject({ code: 'UA-5', message: 'This client already has an open referral for health (to Agency D).' });
    expect(decideRequest(a, state, directory(), request({ domain: 'training' }), NOW).outcome).toBe('allowed');
    const closed = client({ referrals: [referral({ fromAgencyId: 'c', toAgencyId: 'd', status: 'completed' })] });
    expect(decideRequest(a, closed, directory(), request(), NOW).outcome).toBe('allowed');
  });

  it('UA-6: refuses a hand-back B→A within the window after A→B, and allows it after', () => {
    const earlier = referral({ fromAgencyId: 'b', toAgencyId: 'a', status: 'rejected', requestedAt: new Date('2026-10-01T10:00:00Z') });
    expect(decideRequest(a, client({ referrals: [earlier] }), directory(), request(), NOW)).toMatchObject({
      code: 'UA-6',
      message: 'Agency B referred this client to Agency A for health on 2026-10-01; sending them back within 90 days would be a hand-back loop.',
    });
    const long_ago = referral({ ...earlier, requestedAt: new Date('2026-07-01T10:00:00Z') });
    expect(decideRequest(a, client({ referrals: [long_ago] }), directory(), request(), NOW).outcome).toBe('allowed');
    expect(decideRequest(a, client({ referrals: [earlier] }), directory(), request({ domain: 'housing' }), NOW).outcome).toBe('allowed');
    expect(decideRequest(a, client({ referrals: [{ ...earlier, status: 'entered-in-error' }] }), directory(), request(), NOW).outcome).toBe('allowed');
  });

  it('UA-9: in an exclusive domain only the claim holder refers onward; only the lead hands over the lead', () => {
    const held = client({ claims: [{ agencyId: 'c', domain: 'health', referralId: null }] });
    expect(decideRequest(a, held, directory(), request(), NOW)).toMatchObject({ code: 'UA-9', message: "Agency C holds this client's case in health; only they can hand it over." });
    expect(decideRequest(a, held, directory(), request({ fromAgencyId: 'c', toAgencyId: 'b' }), NOW).outcome).toBe('allowed');
    const shared = client({ claims: [{ agencyId: 'c', domain: 'training', referralId: null }] });
    expect(decideRequest(a, shared, directory(), request({ domain: 'training' }), NOW).outcome).toBe('allowed');
    expect(decideRequest(a, client({ leadAgencyId: 'c' }), directory(), request({ handsOverLead: true }), NOW)).toMatchObject({ code: 'UA-9' });
    expect(decideRequest(a, client({ leadAgencyId: 'a' }), directory(), request({ handsOverLead: true }), NOW).outcome).toBe('allowed');
  });

  it('UA-7: waitlists or refuses when the service has no places, as the agreement and the service say', () => {
    const full = { ...service, available: 0 };
    const waitlisted = decideRequest(a, client(), directory(), request({ service: full }), NOW);
    expect(waitlisted.outcome === 'allowed' && waitlisted.events[0]).toMatchObject({ waitlisted: true, serviceId: 's-1' });
    expect(decideRequest(a, client(), directory(), request({ service: { ...full, waitlistAllowed: false } }), NOW)).toMatchObject({ code: 'UA-7', message: 'Physio has no places available and keeps no waitlist.' });
    expect(decideRequest(withRules(a, { whenNoCapacity: 'refuse' }), client(), directory(), request({ service: full }), NOW)).toMatchObject({ code: 'UA-7', message: 'Physio has no places available.' });
    expect(decideRequest(a, client(), directory(), request({ service: { ...service, status: 'temporarily closed' } }), NOW)).toMatchObject({ code: 'UA-7' });
    expect(decideRequest(a, client(), directory(), request({ service }), NOW)).toMatchObject({ outcome: 'allowed' });
    expect(decideRequest(a, client(), directory(), request({ service: { ...service, agencyId: 'c' } }), NOW)).toMatchObject({ code: 'REFERRAL.SERVICE_MISMATCH' });
  });

  it('checks rules in catalogue order, so the first broken rule is the one named', () => {
    const everything = client({ consents: [], referrals: [referral({ status: 'requested' })] });
    expect(decideRequest(a, everything, directory(['b']), request(), NOW)).toMatchObject({ code: 'UA-1' });
    expect(decideRequest(a, everything, directory(), request(), NOW)).toMatchObject({ code: 'UA-2' });
    expect(decideRequest(a, { ...everything, consents: client().consents }, directory(), request(), NOW)).toMatchObject({ code: 'UA-5' });
  });

  it('refuses a referral to oneself', () => {
    expect(decideRequest(a, client(), directory(), request({ toAgencyId: 'a' }), NOW)).toMatchObject({ code: 'REFERRAL.SAME_AGENCY' });
  });
});

describe('accepting a referral', () => {
  const accept = (state = client(), r = referral()) => decideStep(a, state, directory(), { referral: r, action: 'accept', byAgencyId: r.toAgencyId, reason: null }, NOW);

  it('grants the receiver a claim in the domain', () => {
    expect(accept()).toMatchObject({
      outcome: 'allowed',
      events: [
        { type: 'ReferralStatusChanged', action: 'accept', from: 'requested', to: 'accepted' },
        { type: 'ClaimGranted', agencyId: 'b', domain: 'health', exclusive: true, referralId: 'r-1' },
      ],
    });
  });

  it('UA-4: refuses when another agency holds the exclusive domain; a shared domain takes several', () => {
    const held = client({ claims: [{ agencyId: 'c', domain: 'health', referralId: null }] });
    expect(accept(held)).toMatchObject({ code: 'UA-4', message: "Agency C already holds this client's case in health, an exclusive domain." });
    const shared = client({ claims: [{ agencyId: 'c', domain: 'training', referralId: null }] });
    expect(accept(shared, referral({ domain: 'training' }))).toMatchObject({ outcome: 'allowed', events: [expect.anything(), expect.objectContaining({ type: 'ClaimGranted', exclusive: false })] });
  });

  it('UA-9: moves the claim from the sender to the receiver (a handover, not poaching)', () => {
    const held = client({ claims: [{ agencyId: 'a', domain: 'health', referralId: null }] });
    expect(accept(held)).toMatchObject({
      outcome: 'allowed',
      events: [expect.anything(), { type: 'ClaimReleased', agencyId: 'a', reason: 'handed-over' }, { type: 'ClaimGranted', agencyId: 'b' }],
    });
  });

  it('UA-3: hands over the lead when the referral says so, unless the lead moved meanwhile', () => {
    const r = referral({ handsOverLead: true });
    expect(accept(client(), r)).toMatchObject({ outcome: 'allowed', events: expect.arrayContaining([{ type: 'LeadHandedOver', fromAgencyId: 'a', toAgencyId: 'b', referralId: 'r-1' }]) });
    expect(accept(client({ leadAgencyId: 'c' }), r)).toMatchObject({ code: 'UA-3' });
    expect(accept(client({ leadAgencyId: null }), r)).toMatchObject({ outcome: 'allowed', events: expect.arrayContaining([expect.objectContaining({ type: 'LeadHandedOver', fromAgencyId: null })]) });
  });

  it("hands the old lead's walk-in claims over with the lead, unless the client's consent names it for case coordination", () => {
    const handover = referral({ handsOverLead: true, domain: 'training' });
    const claims = [
      { agencyId: 'a', domain: 'housing', referralId: null },
      { agencyId: 'a', domain: 'health', referralId: 'r-0' },
      { agencyId: 'c', domain: 'addiction', referralId: null },
    ] as const;
    const released = (d: ReturnType<typeof accept>) => (d.outcome === 'allowed' ? d.events.filter((e) => e.type === 'ClaimReleased') : []);
    expect(released(accept(client({ claims: [...claims] }), handover))).toEqual([{ type: 'ClaimReleased', agencyId: 'a', domain: 'housing', reason: 'handed-over' }]);
    expect(released(accept(client({ claims: [...claims], consents: [consent('b'), consent('a', 'case-coordination')] }), handover))).toEqual([]);
    // a referral that does not hand over the lead leaves the lead's claims alone
    expect(released(accept(client({ claims: [...claims] }), referral({ domain: 'training' })))).toEqual([]);
  });

  it('UA-1 and UA-2 still hold at acceptance', () => {
    expect(decideStep(a, client(), directory(['a']), { referral: referral(), action: 'accept', byAgencyId: 'b', reason: null }, NOW)).toMatchObject({ code: 'UA-1' });
    expect(accept(client({ consents: [] }))).toMatchObject({ code: 'UA-2' });
    expect(accept(client({ consents: [consent('b', 'outcome-tracking')] }))).toMatchObject({ code: 'UA-2' });
  });

  it('refuses an agency the referral is not addressed to', () => {
    expect(decideStep(a, client(), directory(), { referral: referral(), action: 'accept', byAgencyId: 'c', reason: null }, NOW)).toMatchObject({ code: 'REFERRAL.NOT_ADDRESSED_TO_AGENCY' });
  });
});

describe('the lifecycle', () => {
  const step = (status: Parameters<typeof referral>[0] extends infer _ ? string : never, action: string, by = 'b') =>
    decideStep(a, client({ claims: [{ agencyId: 'b', domain: 'health', referralId: 'r-1' }] }), directory(), { referral: referral({ status: status as never }), action: action as never, byAgencyId: by, reason: 'other' }, new Date('2026-11-23T00:00:00Z'));

  it.each([
    ['requested', 'reject', 'rejected'],
    ['accepted', 'start', 'in-progress'],
    ['accepted', 'hold', 'on-hold'],
    ['in-progress', 'hold', 'on-hold'],
    ['on-hold', 'resume', 'in-progress'],
    ['in-progress', 'complete', 'completed'],
    ['in-progress', 'fail', 'failed'],
    ['requested', 'cancel', 'cancelled'],
    ['accepted', 'cancel', 'cancelled'],
    ['on-hold', 'cancel', 'cancelled'],
    ['completed', 'enter-in-error', 'entered-in-error'],
  ])('%s --%s--> %s', (from, action, to) => {
    const d = step(from, action);
    expect(d).toMatchObject({ outcome: 'allowed', events: [{ type: 'ReferralStatusChanged', from, to, reason: 'other' }, ...(['in-progress', 'on-hold'].includes(to) ? [] : [expect.objectContaining({ type: 'ClaimReleased', reason: 'referral-closed' })])] });
  });

  it.each([
    ['completed', 'start'],
    ['rejected', 'accept'],
    ['cancelled', 'cancel'],
    ['requested', 'complete'],
    ['accepted', 'resume'],
    ['entered-in-error', 'enter-in-error'],
    ['expired', 'accept'],
  ])('refuses %s --%s-->, naming the state', (from, action) => {
    expect(step(from, action)).toMatchObject({ outcome: 'refused', code: 'REFERRAL.ILLEGAL_TRANSITION', message: expect.stringContaining(`A referral that is ${from} cannot be`) });
  });

  it('lets either agency cancel, only the receiver work it, and nobody else anything', () => {
    expect(step('requested', 'cancel', 'a').outcome).toBe('allowed');
    expect(step('accepted', 'start', 'a')).toMatchObject({ code: 'REFERRAL.NOT_ADDRESSED_TO_AGENCY' });
    expect(step('requested', 'cancel', 'c')).toMatchObject({ code: 'REFERRAL.NOT_ADDRESSED_TO_AGENCY' });
  });

  it('UA-2: the platform cancels a referral whose consent was withdrawn; it may not do anything else', () => {
    const system = (action: string, reason: string | null) =>
      decideStep(a, client(), directory(), { referral: referral({ status: 'accepted' }), action: action as never, byAgencyId: null, reason: reason as never }, NOW);
    expect(system('cancel', 'consent-withdrawn')).toMatchObject({ outcome: 'allowed', checked: ['UA-2'], events: [{ to: 'cancelled', reason: 'consent-withdrawn' }] });
    expect(system('cancel', 'other')).toMatchObject({ code: 'REFERRAL.NOT_ADDRESSED_TO_AGENCY' });
    expect(system('start', null)).toMatchObject({ code: 'REFERRAL.NOT_ADDRESSED_TO_AGENCY' });
    expect(decideStep(a, client(), directory(), { referral: referral(), action: 'expire', byAgencyId: 'b', reason: null }, NOW)).toMatchObject({ code: 'REFERRAL.NOT_ADDRESSED_TO_AGENCY' });
  });

  it('UA-8: refuses an answer that comes after the response window, even before the sweep ran', () => {
    const late = referral({ respondBy: new Date('2026-11-24T09:00:00Z') });
    expect(decideStep(a, client(), directory(), { referral: late, action: 'accept', byAgencyId: 'b', reason: null }, NOW)).toMatchObject({ code: 'UA-8' });
    expect(decideStep(a, client(), directory(), { referral: late, action: 'reject', byAgencyId: 'b', reason: 'no-capacity' }, NOW)).toMatchObject({ code: 'UA-8' });
    expect(decideStep(a, client(), directory(), { referral: late, action: 'cancel', byAgencyId: 'a', reason: 'other' }, NOW).outcome).toBe('allowed');
  });

  it('UA-8: expires an unanswered referral after its deadline, not before', () => {
    const r = referral({ respondBy: new Date('2026-11-26T10:00:00Z') });
    const expire = (at: string) => decideStep(a, client(), directory(), { referral: r, action: 'expire', byAgencyId: null, reason: null }, new Date(at));
    expect(expire('2026-11-26T10:00:01Z')).toMatchObject({ outcome: 'allowed', checked: ['UA-8'], events: [{ to: 'expired' }] });
    expect(expire('2026-11-26T09:59:59Z')).toMatchObject({ code: 'REFERRAL.ILLEGAL_TRANSITION' });
  });
});

describe('claims', () => {
  const coordinating = client({ consents: [consent('c', 'case-coordination')] });

  it('UA-4: grants a walk-in claim only when nobody else holds the exclusive domain', () => {
    expect(decideClaim(a, coordinating, directory(), 'c', 'health')).toMatchObject({ outcome: 'allowed', events: [{ type: 'ClaimGranted', agencyId: 'c', referralId: null }] });
    expect(decideClaim(a, { ...coordinating, claims: [{ agencyId: 'b', domain: 'health', referralId: null }] }, directory(), 'c', 'health')).toMatchObject({ code: 'UA-4' });
    expect(decideClaim(a, { ...coordinating, claims: [{ agencyId: 'c', domain: 'health', referralId: null }] }, directory(), 'c', 'health')).toMatchObject({ outcome: 'allowed', events: [] });
    expect(decideClaim(a, { ...coordinating, claims: [{ agencyId: 'b', domain: 'training', referralId: null }] }, directory(), 'c', 'training').outcome).toBe('allowed');
    expect(decideClaim(a, coordinating, directory(['a']), 'c', 'health')).toMatchObject({ code: 'UA-1' });
  });

  it('UA-2: a walk-in needs the lead, or a consent naming the agency for case coordination', () => {
    expect(decideClaim(a, client({ consents: [] }), directory(), 'a', 'health').outcome).toBe('allowed');
    expect(decideClaim(a, client({ consents: [] }), directory(), 'c', 'health')).toMatchObject({
      code: 'UA-2',
      message: 'The client has not consented to Agency C taking on their case without a referral.',
    });
    // consent for referral, for outcome tracking, or for the whole domain: none lets an agency take the case
    for (const consents of [[consent('c')], [consent('c', 'outcome-tracking')], [consent(null, 'referral', 'health')], [consent(null, 'case-coordination', 'health')]]) {
      expect(decideClaim(a, client({ consents }), directory(), 'c', 'health')).toMatchObject({ code: 'UA-2' });
    }
    // holding a claim in another domain is not a consent to take this one
    expect(decideClaim(a, client({ consents: [], claims: [{ agencyId: 'c', domain: 'housing', referralId: 'r-9' }] }), directory(), 'c', 'health')).toMatchObject({ code: 'UA-2' });
    expect(decideClaim(withRules(a, { requireConsent: false }), client({ consents: [] }), directory(), 'c', 'health').outcome).toBe('allowed');
  });

  it('takes on a client only in a domain the agency serves', () => {
    expect(decideClaim(a, coordinating, directory(undefined, ['c housing']), 'c', 'health')).toMatchObject({
      code: 'CLAIM.NO_SERVICE_IN_DOMAIN',
      message: "Agency C offers no service in health, so it cannot take on the client's case there.",
    });
    expect(decideClaim(a, client({ consents: [] }), directory(undefined, ['c health']), 'a', 'health')).toMatchObject({ code: 'CLAIM.NO_SERVICE_IN_DOMAIN' });
    expect(decideClaim(a, coordinating, directory(undefined, ['c health']), 'c', 'health').outcome).toBe('allowed');
  });

  it('UA-2: withdrawal releases the claims it no longer covers, and only those', () => {
    const claims = [
      { agencyId: 'a', domain: 'housing', referralId: null },
      { agencyId: 'b', domain: 'health', referralId: 'r-1' },
      { agencyId: 'c', domain: 'training', referralId: null },
      { agencyId: 'd', domain: 'addiction', referralId: null },
    ] as const;
    const state = client({ claims: [...claims], consents: [consent('b'), consent('d', 'case-coordination')] });
    // the lead's claim stands; b's claim by referral is covered by its consent for referral; d's walk-in by its consent for coordination
    expect(decideClaimsAfterWithdrawal(a, state, directory())).toMatchObject({
      outcome: 'allowed',
      checked: ['UA-2'],
      events: [{ type: 'ClaimReleased', agencyId: 'c', domain: 'training', reason: 'released' }],
    });
    expect(decideClaimsAfterWithdrawal(a, { ...state, consents: [] }, directory())).toMatchObject({
      events: [expect.objectContaining({ agencyId: 'b' }), expect.objectContaining({ agencyId: 'c' }), expect.objectContaining({ agencyId: 'd' })],
    });
    // a walk-in claim is not covered by a consent for referral
    expect(decideClaimsAfterWithdrawal(a, client({ claims: [claims[3]], consents: [consent('d')] }), directory())).toMatchObject({ events: [expect.objectContaining({ agencyId: 'd' })] });
    expect(decideClaimsAfterWithdrawal(a, client({ claims: [claims[0]], consents: [] }), directory())).toBeNull();
    expect(decideClaimsAfterWithdrawal(withRules(a, { requireConsent: false }), { ...state, consents: [] }, directory())).toBeNull();
  });

  it('UA-2: an open referral stays only while a consent for referral covers its receiver', () => {
    expect(referralStillCovered(a, client(), directory(), referral())).toBe(true);
    expect(referralStillCovered(a, client({ consents: [consent('b', 'case-coordination')] }), directory(), referral())).toBe(false);
    expect(referralStillCovered(a, client({ consents: [consent(null, 'referral', 'health')] }), directory(undefined, ['b health']), referral())).toBe(true);
  });

  it('releases only a claim the agency holds', () => {
    expect(decideRelease(a, client({ claims: [{ agencyId: 'b', domain: 'health', referralId: null }] }), 'b', 'health')).toMatchObject({ outcome: 'allowed', events: [{ type: 'ClaimReleased', reason: 'released' }] });
    expect(decideRelease(a, client(), 'b', 'health')).toMatchObject({ code: 'CLAIM.NOT_HELD' });
  });
});

describe('outcomes (UA-10)', () => {
  const milestone = { milestoneId: 'm-1', outcome: 'job-entry', recordedByAgencyId: 'b' };
  const working = client({ leadAgencyId: 'a', claims: [{ agencyId: 'b', domain: 'health', referralId: 'r-1' }, { agencyId: 'c', domain: 'training', referralId: null }] });

  it('credits the lead at the time and records every other agency as contributing', () => {
    expect(decideOutcome(a, working, milestone, null)).toMatchObject({
      outcome: 'allowed',
      events: [{ type: 'OutcomeCredited', creditedAgencyId: 'a', contributingAgencyIds: ['b', 'c'] }],
    });
  });

  it('credits the receiving agency when the agreement says so, and the recorder when nobody leads', () => {
    expect(decideOutcome(withRules(a, { attribution: 'receiving-agency' }), working, milestone, 'b')).toMatchObject({ events: [{ creditedAgencyId: 'b', contributingAgencyIds: ['c'] }] });
    expect(decideOutcome(a, client({ leadAgencyId: null }), milestone, null)).toMatchObject({ events: [{ creditedAgencyId: 'b', contributingAgencyIds: [] }] });
  });

  it('never credits the same outcome twice', () => {
    expect(decideOutcome(a, client({ creditedOutcomes: ['job-entry:m-1'] }), milestone, null)).toMatchObject({ code: 'UA-10' });
  });
});
