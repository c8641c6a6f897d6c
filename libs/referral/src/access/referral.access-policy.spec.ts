import { Principal } from '@umbrella/platform';
import { principalOf, refusalCode } from '@umbrella/testing';
import { ClientState } from '@umbrella/agreement';
import { ReferralAccess } from './referral.access-policy';

const state = (overrides: Partial<ClientState> = {}): ClientState => ({ clientId: 'c-1', leadAgencyId: 'a', claims: [], referrals: [], consents: [], creditedOutcomes: [], ...overrides });

const as = (roles: Principal['roles'], agencyId: string | null = 'a'): Principal => principalOf(roles, agencyId);
const code = refusalCode;

describe('ReferralAccess', () => {
  it('lets a caseworker refer only on behalf of their own agency', () => {
    expect(code(() => ReferralAccess.request(as(['caseworker']), 'a'))).toBeUndefined();
    expect(code(() => ReferralAccess.request(as(['caseworker']), 'b'))).toBe('ACCESS.OTHER_AGENCY');
    for (const role of ['agency-admin', 'coordinator', 'analyst', 'operator'] as const) {
      expect(code(() => ReferralAccess.request(as([role]), 'a'))).toBe('ACCESS.ROLE_NOT_ALLOWED');
    }
  });

  it("scopes a list to the user's agency and refuses another agency's", () => {
    expect(ReferralAccess.listScope(as(['caseworker']), undefined)).toBe('a');
    expect(ReferralAccess.listScope(as(['agency-admin']), 'a')).toBe('a');
    expect(code(() => ReferralAccess.listScope(as(['caseworker']), 'b'))).toBe('ACCESS.OTHER_AGENCY');
    expect(code(() => ReferralAccess.listScope(as(['caseworker'], null), undefined))).toBe('ACCESS.DENIED');
    expect(code(() => ReferralAccess.listScope(as(['analyst']), undefined))).toBe('ACCESS.DENIED');
  });

  it('shows a referral to its two agencies and answers "not yours" and "missing" alike', () => {
    const referral = { fromAgencyId: 'a', toAgencyId: 'b' };
    expect(code(() => ReferralAccess.view(as(['caseworker'], 'a'), referral))).toBeUndefined();
    expect(code(() => ReferralAccess.view(as(['agency-admin'], 'b'), referral))).toBeUndefined();
    expect(code(() => ReferralAccess.view(as(['caseworker'], 'c'), referral))).toBe('ACCESS.DENIED');
    expect(code(() => ReferralAccess.view(as(['caseworker'], 'a'), null))).toBe('ACCESS.DENIED');
    expect(code(() => ReferralAccess.view(as(['coordinator'], 'a'), referral))).toBe('ACCESS.DENIED');
  });

  it('refuses an agency that may not follow the client as if the client did not exist', () => {
    const outsider = state({ consents: [{ agencyId: 'c', domain: null, purpose: 'referral' }] });
    for (const action of ['refer', 'see', 'decide'] as const) {
      expect(code(() => ReferralAccess.onClient('c', outsider, action))).toBe('ACCESS.CLIENT_NOT_VISIBLE');
      expect(code(() => ReferralAccess.onClient('z', outsider, action))).toBe('ACCESS.CLIENT_NOT_VISIBLE');
      expect(code(() => ReferralAccess.onClient(null, outsider, action))).toBe('ACCESS.CLIENT_NOT_VISIBLE');
    }
  });

  it('lets only the lead and claim holders refer; others who follow the client are told why not', () => {
    const working = state({
      claims: [{ agencyId: 'b', domain: 'health', referralId: null }],
      consents: [{ agencyId: 'd', domain: null, purpose: 'case-coordination' }],
    });
    expect(code(() => ReferralAccess.onClient('a', working, 'refer'))).toBeUndefined();
    expect(code(() => ReferralAccess.onClient('b', working, 'refer'))).toBeUndefined();
    expect(code(() => ReferralAccess.onClient('d', working, 'refer'))).toBe('ACCESS.NOT_CASE_HOLDER');
    expect(code(() => ReferralAccess.onClient('d', working, 'decide'))).toBeUndefined();
    expect(code(() => ReferralAccess.onClient('d', working, 'see'))).toBeUndefined();
  });
});
