import { CLIENT_ACTIONS, ClientAction, involvementIn, Involvement, NOT_INVOLVED, permits, refusalOf } from './involvement';
import { client, consent, referral } from './test/fixtures';

const allowed = (inv: Involvement): ClientAction[] => CLIENT_ACTIONS.filter((action) => permits(inv, action));
const as = (overrides: Partial<Involvement>): Involvement => ({ ...NOT_INVOLVED, ...overrides });

describe('the access model', () => {
  it('gives an agency with no involvement nothing at all', () => {
    expect(allowed(NOT_INVOLVED)).toEqual([]);
    for (const action of [...CLIENT_ACTIONS, 'decide'] as const) expect(refusalOf(NOT_INVOLVED, action)).toBe('not-visible');
  });

  it('lets the lead do everything, and only the lead record consent, manage the case and erase', () => {
    expect(allowed(as({ lead: true }))).toEqual([...CLIENT_ACTIONS]);
    expect(allowed(as({ claims: ['health'] }))).toEqual(['see', 'see-journey', 'refer', 'withdraw-consent', 'record-milestone']);
  });

  it('shows the client to a party to an open referral, which may record milestones but not refer, claim or record consent', () => {
    expect(allowed(as({ referralParty: true }))).toEqual(['see', 'see-journey', 'record-milestone']);
  });

  it('gives each consent purpose only what it is for', () => {
    expect(allowed(as({ consentPurposes: ['case-coordination'] }))).toEqual(['see', 'see-journey', 'claim', 'record-milestone']);
    expect(allowed(as({ consentPurposes: ['outcome-tracking'] }))).toEqual(['see-journey']);
    // a consent for referral lets the agency receive referrals (the engine's UA-2); it shows it nothing by itself
    expect(allowed(as({ consentPurposes: ['referral'] }))).toEqual([]);
    expect(refusalOf(as({ consentPurposes: ['referral'] }), 'decide')).toBe('not-visible');
  });

  it('tells an agency that follows the client why it may not act, and nothing to one that does not', () => {
    const tracking = as({ consentPurposes: ['outcome-tracking'] });
    expect(refusalOf(tracking, 'see')).toBe('not-visible');
    expect(refusalOf(tracking, 'see-journey')).toBeNull();
    expect(refusalOf(tracking, 'decide')).toBeNull();
    expect(refusalOf(tracking, 'refer')).toBe('not-case-holder');
    expect(refusalOf(as({ claims: ['health'] }), 'manage-case')).toBe('not-lead');
    expect(refusalOf(as({ claims: ['health'] }), 'erase')).toBe('not-lead');
    expect(refusalOf(as({ lead: true }), 'erase')).toBeNull();
  });

  it("reads an agency's involvement from the client's state", () => {
    const state = client({
      leadAgencyId: 'a',
      claims: [{ agencyId: 'b', domain: 'health', referralId: 'r-1' }],
      referrals: [referral({ fromAgencyId: 'a', toAgencyId: 'c', status: 'requested' }), referral({ id: 'r-2', fromAgencyId: 'a', toAgencyId: 'e', status: 'completed' })],
      consents: [consent('d', 'case-coordination'), consent('d', 'referral'), consent(null, 'referral', 'housing')],
    });
    expect(involvementIn(state, 'a')).toEqual({ lead: true, claims: [], referralParty: true, consentPurposes: [] });
    expect(involvementIn(state, 'b')).toEqual({ lead: false, claims: ['health'], referralParty: false, consentPurposes: [] });
    expect(involvementIn(state, 'c')).toEqual({ lead: false, claims: [], referralParty: true, consentPurposes: [] });
    expect(involvementIn(state, 'd')).toEqual({ lead: false, claims: [], referralParty: false, consentPurposes: ['case-coordination', 'referral'] });
    // a closed referral and a domain consent involve no one
    expect(involvementIn(state, 'e')).toEqual(NOT_INVOLVED);
  });
});
