import { Principal } from '@umbrella/platform';
import { principalOf, refusalCode } from '@umbrella/testing';
import { ReferralAccess } from './referral.access-policy';

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
});
