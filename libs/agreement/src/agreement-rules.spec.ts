import { ReferralStatus } from '@umbrella/contracts/vocabulary';
import { EngineEvent, ReferralFacts, referralStillCovered, ServiceFacts } from './decide';
import { agreementV1, client, consent, directory, NOW, referral, withRules } from './test/fixtures';
import { claim, creditOutcome, given, refused, release, releaseUncoveredClaims, requestReferral, step } from './test/given-when-then';

/*
 * The rules of the umbrella agreement as the engine enforces them, one Given/When/Then at a time:
 * given the client's state, when a command is decided, then these events or this refusal. These
 * cover what decide.spec.ts leaves open — branches, boundaries and the exact events of a decision.
 */

const a = agreementV1();
const physio: ServiceFacts = { serviceId: 's-1', agencyId: 'b', name: 'Physio', status: 'active', available: 3, waitlistAllowed: true };
const requestedBy = (overrides: Partial<ReferralFacts> = {}) => ({
  id: 'r-new',
  clientId: 'c-1',
  fromAgencyId: 'a',
  toAgencyId: 'b',
  domain: 'health' as const,
  status: 'requested' as const,
  requestedAt: NOW,
  // two business days after Tuesday
  respondBy: new Date('2026-11-26T10:00:00Z'),
  handsOverLead: false,
  ...overrides,
});
/** A directory where every agency has signed version 1 only. */
const signedV1Only = { ...directory(), isSignatory: (_agencyId: string, version: string) => version === '1' };
const v2 = { ...a, version: '2' };

describe('UA-1: only signatories of the version in force send, receive or accept referrals', () => {
  it('does not count a signature of an earlier version, at request, acceptance or walk-in', () => {
    given({}, { agreement: v2, directory: signedV1Only }).when(requestReferral()).then(refused('UA-1', 'Agency A has not signed version 2 of the umbrella agreement, so it cannot send referrals.'));
    given({}, { agreement: v2, directory: signedV1Only })
      .when(step(referral(), 'accept', 'b'))
      .then(refused('UA-1', 'Agency B has not signed version 2 of the umbrella agreement, so it cannot accept referrals.'));
    given({}, { agreement: v2, directory: signedV1Only }).when(claim('a', 'health')).then(refused('UA-1', 'Agency A has not signed version 2 of the umbrella agreement.'));
  });

  it('lets an unsigned agency take a case by walk-in when the agreement does not require signatures', () => {
    given({}, { agreement: withRules(a, { requireSignature: false }), directory: directory([]) })
      .when(claim('a', 'health'))
      .then([{ type: 'ClaimGranted', agencyId: 'a', domain: 'health', exclusive: true, referralId: null }], { checked: ['UA-1', 'UA-2', 'UA-4'] });
  });

  it('does not ask for a signature to cancel, work or close a referral', () => {
    given({}, { directory: directory([]) })
      .when(step(referral({ status: 'accepted' }), 'start', 'b'))
      .then([{ type: 'ReferralStatusChanged', referralId: 'r-1', action: 'start', from: 'accepted', to: 'in-progress', reason: null }], { checked: [] });
  });
});

describe('UA-2: consent', () => {
  it('accepts a referral a consent for its domain covers, where the receiver serves that domain', () => {
    const domainConsent = { consents: [consent(null, 'referral', 'health')] };
    given(domainConsent, { directory: directory(undefined, ['b health']) })
      .when(step(referral(), 'accept', 'b'))
      .then([
        { type: 'ReferralStatusChanged', referralId: 'r-1', action: 'accept', from: 'requested', to: 'accepted', reason: null },
        { type: 'ClaimGranted', agencyId: 'b', domain: 'health', exclusive: true, referralId: 'r-1' },
      ]);
    given(domainConsent, { directory: directory(undefined, ['b housing']) })
      .when(step(referral(), 'accept', 'b'))
      .then(refused('UA-2', "The client's consent no longer covers a referral to Agency B for health."));
  });

  it('lets the platform cancel a referral whose consent was withdrawn, releasing the claim it granted', () => {
    given({ consents: [], claims: [{ agencyId: 'b', domain: 'health', referralId: 'r-1' }] })
      .when(step(referral({ status: 'in-progress' }), 'cancel', null, 'consent-withdrawn'))
      .then(
        [
          { type: 'ReferralStatusChanged', referralId: 'r-1', action: 'cancel', from: 'in-progress', to: 'cancelled', reason: 'consent-withdrawn' },
          { type: 'ClaimReleased', agencyId: 'b', domain: 'health', reason: 'referral-closed' },
        ],
        { checked: ['UA-2'] },
      );
  });

  it('keeps, after a withdrawal, a claim by referral that a consent for its domain still covers', () => {
    given({ consents: [consent(null, 'referral', 'health')], claims: [{ agencyId: 'b', domain: 'health', referralId: 'r-1' }] }, { directory: directory(undefined, ['b health']) })
      .when(releaseUncoveredClaims())
      .then(null);
    given({ consents: [consent(null, 'referral', 'health')], claims: [{ agencyId: 'b', domain: 'health', referralId: 'r-1' }] }, { directory: directory(undefined, ['b training']) })
      .when(releaseUncoveredClaims())
      .then([{ type: 'ClaimReleased', agencyId: 'b', domain: 'health', reason: 'released' }], { checked: ['UA-2'] });
  });

  it('keeps every open referral when the agreement does not require consent', () => {
    expect(referralStillCovered(withRules(a, { requireConsent: false }), client({ consents: [] }), directory(), referral())).toBe(true);
    expect(referralStillCovered(a, client({ consents: [] }), directory(), referral())).toBe(false);
  });

  it('asks no consent of an agency claiming what it already holds: nothing changes', () => {
    given({ consents: [], claims: [{ agencyId: 'c', domain: 'health', referralId: 'r-9' }] })
      .when(claim('c', 'health'))
      .then([], { checked: ['UA-4'] });
  });
});

describe('UA-3: one lead agency at a time', () => {
  it('hands the lead over on acceptance, after the claim, in this order', () => {
    given()
      .when(step(referral({ handsOverLead: true }), 'accept', 'b'))
      .then(
        [
          { type: 'ReferralStatusChanged', referralId: 'r-1', action: 'accept', from: 'requested', to: 'accepted', reason: null },
          { type: 'ClaimGranted', agencyId: 'b', domain: 'health', exclusive: true, referralId: 'r-1' },
          { type: 'LeadHandedOver', fromAgencyId: 'a', toAgencyId: 'b', referralId: 'r-1' },
        ],
        { checked: ['UA-1', 'UA-2', 'UA-3', 'UA-4', 'UA-9'] },
      );
  });

  it("releases the old lead's walk-in claim in the referral's own domain once, as the handover", () => {
    given({ claims: [{ agencyId: 'a', domain: 'health', referralId: null }] })
      .when(step(referral({ handsOverLead: true }), 'accept', 'b'))
      .then([
        { type: 'ReferralStatusChanged', referralId: 'r-1', action: 'accept', from: 'requested', to: 'accepted', reason: null },
        { type: 'ClaimReleased', agencyId: 'a', domain: 'health', reason: 'handed-over' },
        { type: 'ClaimGranted', agencyId: 'b', domain: 'health', exclusive: true, referralId: 'r-1' },
        { type: 'LeadHandedOver', fromAgencyId: 'a', toAgencyId: 'b', referralId: 'r-1' },
      ]);
  });

  it('names UA-4 before UA-3 when another agency holds the domain and the lead moved', () => {
    given({ leadAgencyId: 'c', claims: [{ agencyId: 'd', domain: 'health', referralId: null }] })
      .when(step(referral({ handsOverLead: true }), 'accept', 'b'))
      .then(refused('UA-4'));
  });
});

describe('UA-4: one holder of an exclusive domain', () => {
  it('grants nothing new when the receiver already holds the domain, exclusive or shared', () => {
    const accepted: EngineEvent = { type: 'ReferralStatusChanged', referralId: 'r-1', action: 'accept', from: 'requested', to: 'accepted', reason: null };
    given({ claims: [{ agencyId: 'b', domain: 'health', referralId: null }] }).when(step(referral(), 'accept', 'b')).then([accepted]);
    given({ claims: [{ agencyId: 'b', domain: 'training', referralId: null }] }).when(step(referral({ domain: 'training' }), 'accept', 'b')).then([accepted]);
  });

  it('grants a walk-in in a shared domain as a shared claim, beside another holder', () => {
    given({ consents: [consent('c', 'case-coordination')], claims: [{ agencyId: 'b', domain: 'training', referralId: null }] })
      .when(claim('c', 'training'))
      .then([{ type: 'ClaimGranted', agencyId: 'c', domain: 'training', exclusive: false, referralId: null }], { checked: ['UA-1', 'UA-2', 'UA-4'] });
  });

  it('refuses a walk-in in an exclusive domain another agency holds, pointing to a handover', () => {
    given({ claims: [{ agencyId: 'b', domain: 'health', referralId: 'r-1' }] })
      .when(claim('a', 'health'))
      .then(refused('UA-4', "Agency B already holds this client's case in health; it can hand it over by referral (UA-9)."));
  });
});

describe('UA-5: one open referral per client and domain', () => {
  it.each(['requested', 'accepted', 'in-progress', 'on-hold'] as const)('a %s referral blocks a second one', (status) => {
    given({ referrals: [referral({ fromAgencyId: 'c', toAgencyId: 'd', status })] })
      .when(requestReferral())
      .then(refused('UA-5', 'This client already has an open referral for health (to Agency D).'));
  });

  it.each(['rejected', 'cancelled', 'expired', 'failed', 'entered-in-error'] as const)('a %s referral does not', (status: ReferralStatus) => {
    given({ referrals: [referral({ fromAgencyId: 'c', toAgencyId: 'd', status })] })
      .when(requestReferral())
      .then([{ type: 'ReferralRequested', referral: requestedBy(), serviceId: null, waitlisted: false }], { checked: ['UA-1', 'UA-2', 'UA-5', 'UA-6', 'UA-9', 'UA-7', 'UA-8'] });
  });
});

describe('UA-6: no hand-back loop', () => {
  const earlier = (overrides: Partial<ReferralFacts>) => referral({ status: 'rejected', requestedAt: new Date('2026-10-01T10:00:00Z'), ...overrides });

  it('is a loop only in the reverse direction, between the same two agencies', () => {
    given({ referrals: [earlier({ fromAgencyId: 'a', toAgencyId: 'b' })] }).when(requestReferral()).then([{ type: 'ReferralRequested', referral: requestedBy(), serviceId: null, waitlisted: false }]);
    given({ referrals: [earlier({ fromAgencyId: 'b', toAgencyId: 'c' })] }).when(requestReferral()).then([{ type: 'ReferralRequested', referral: requestedBy(), serviceId: null, waitlisted: false }]);
    given({ referrals: [earlier({ fromAgencyId: 'b', toAgencyId: 'a' })] }).when(requestReferral()).then(refused('UA-6'));
  });

  it('takes the window from the agreement: 54 days back is outside a 30-day window', () => {
    given({ referrals: [earlier({ fromAgencyId: 'b', toAgencyId: 'a' })] }, { agreement: withRules(a, { handBackWindowDays: 30 }) })
      .when(requestReferral())
      .then([{ type: 'ReferralRequested', referral: requestedBy(), serviceId: null, waitlisted: false }]);
  });
});

describe('UA-7: capacity', () => {
  it('names the service asked for on the referral when it has places', () => {
    given().when(requestReferral({ service: physio })).then([{ type: 'ReferralRequested', referral: requestedBy(), serviceId: 's-1', waitlisted: false }]);
  });

  it('refuses a service that has closed, naming its status', () => {
    given()
      .when(requestReferral({ service: { ...physio, status: 'defunct' } }))
      .then(refused('UA-7', 'Physio is not taking referrals (defunct).'));
  });

  it("refuses another agency's service before looking at its capacity", () => {
    given()
      .when(requestReferral({ service: { ...physio, agencyId: 'c', status: 'defunct', available: 0 } }))
      .then(refused('REFERRAL.SERVICE_MISMATCH', 'Physio is not a service of Agency B.'));
  });
});

describe('UA-8: the response window', () => {
  it('takes an answer given at the deadline itself', () => {
    given()
      .when(step(referral({ respondBy: NOW }), 'reject', 'b', 'no-capacity'))
      .then([{ type: 'ReferralStatusChanged', referralId: 'r-1', action: 'reject', from: 'requested', to: 'rejected', reason: 'no-capacity' }], { checked: [] });
  });

  it('expires only a referral still waiting for its answer, and releases nothing (it granted nothing)', () => {
    const late = { now: new Date('2026-11-30T10:00:00Z') };
    given({}, late)
      .when(step(referral(), 'expire', null))
      .then([{ type: 'ReferralStatusChanged', referralId: 'r-1', action: 'expire', from: 'requested', to: 'expired', reason: null }], { checked: ['UA-8'] });
    given({}, late)
      .when(step(referral({ status: 'accepted' }), 'expire', null))
      .then(refused('REFERRAL.ILLEGAL_TRANSITION', 'A referral that is accepted cannot be expired.'));
  });
});

describe('UA-9: a claim moves only by handover', () => {
  it('lets a referral hand over a lead nobody holds', () => {
    given({ leadAgencyId: null })
      .when(requestReferral({ handsOverLead: true }))
      .then([{ type: 'ReferralRequested', referral: requestedBy({ handsOverLead: true }), serviceId: null, waitlisted: false }]);
  });

  it('releases only a claim the agency itself holds in that domain', () => {
    const held = { claims: [{ agencyId: 'b', domain: 'health' as const, referralId: null }] };
    given(held).when(release('b', 'health')).then([{ type: 'ClaimReleased', agencyId: 'b', domain: 'health', reason: 'released' }], { checked: ['UA-9'] });
    given(held).when(release('c', 'health')).then(refused('CLAIM.NOT_HELD', 'Your agency holds no claim on this client in health.'));
    given(held).when(release('b', 'training')).then(refused('CLAIM.NOT_HELD'));
  });
});

describe('UA-10: one credit per outcome', () => {
  const milestone = { milestoneId: 'm-1', outcome: 'job-entry', recordedByAgencyId: 'e' };
  const credited = (creditedAgencyId: string, contributingAgencyIds: string[]) => [{ type: 'OutcomeCredited' as const, milestoneId: 'm-1', outcome: 'job-entry', creditedAgencyId, contributingAgencyIds }];

  it('counts as contributing the receivers of referrals being worked, not those still asked or closed', () => {
    const referrals = (['requested', 'accepted', 'in-progress', 'on-hold', 'completed'] as const).map((status, i) => referral({ id: `r-${i}`, toAgencyId: `to-${status}`, status }));
    given({ referrals })
      .when(creditOutcome(milestone))
      .then(credited('a', ['e', 'to-accepted', 'to-in-progress', 'to-on-hold']), { checked: ['UA-10'] });
  });

  it('credits the lead when the agreement credits the receiving agency but none is known, and the receiver when nobody leads', () => {
    given().when(creditOutcome(milestone, null)).then(credited('a', ['e']));
    given({}, { agreement: withRules(a, { attribution: 'receiving-agency' }) })
      .when(creditOutcome(milestone, null))
      .then(credited('a', ['e']));
    given({ leadAgencyId: null }).when(creditOutcome(milestone, 'b')).then(credited('b', ['e']));
  });

  it('tells outcomes apart by type and milestone', () => {
    given({ creditedOutcomes: ['job-entry:m-2', 'qualification:m-1'] }).when(creditOutcome(milestone)).then(credited('a', ['e']));
    given({ creditedOutcomes: ['job-entry:m-1'] }).when(creditOutcome(milestone)).then(refused('UA-10', 'This outcome has already been credited to one agency.'));
  });
});

describe('the lifecycle', () => {
  it('releases on closing only the claim this referral granted', () => {
    given({ claims: [{ agencyId: 'b', domain: 'health', referralId: 'r-0' }] })
      .when(step(referral({ status: 'in-progress' }), 'complete', 'b'))
      .then([{ type: 'ReferralStatusChanged', referralId: 'r-1', action: 'complete', from: 'in-progress', to: 'completed', reason: null }], { checked: [] });
  });
});
