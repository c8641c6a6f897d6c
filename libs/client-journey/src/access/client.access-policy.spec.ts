import { Principal } from '@umbrella/platform';
import { principalOf, refusalCode } from '@umbrella/testing';
import { ClientAccess } from './client.access-policy';

const as = (roles: Principal['roles'], agencyId: string | null = 'a'): Principal => principalOf(roles, agencyId);
const code = refusalCode;

describe('ClientAccess', () => {
  it('lets only caseworkers of an agency act on clients, for that agency', () => {
    expect(ClientAccess.actingAgency(as(['caseworker']))).toBe('a');
    expect(code(() => ClientAccess.actingAgency(as(['caseworker'], null)))).toBe('ACCESS.ROLE_NOT_ALLOWED');
    for (const role of ['agency-admin', 'coordinator', 'analyst', 'operator'] as const) {
      expect(code(() => ClientAccess.actingAgency(as([role])))).toBe('ACCESS.ROLE_NOT_ALLOWED');
    }
  });

  it('shows a client to a caseworker whose agency holds any basis, and to no one else', () => {
    for (const basis of ['open-referral', 'claim', 'consent', 'lead'] as const) {
      expect(code(() => ClientAccess.decideVisible(as(['caseworker']), [basis]))).toBeUndefined();
    }
    expect(code(() => ClientAccess.decideVisible(as(['caseworker']), []))).toBe('ACCESS.CLIENT_NOT_VISIBLE');
    expect(code(() => ClientAccess.decideVisible(as(['caseworker'], null), ['lead']))).toBe('ACCESS.CLIENT_NOT_VISIBLE');
    // a coordinator or an agency admin never reads a client's record, even with a basis on file
    expect(code(() => ClientAccess.decideVisible(as(['coordinator']), ['consent']))).toBe('ACCESS.CLIENT_NOT_VISIBLE');
    expect(code(() => ClientAccess.decideVisible(as(['agency-admin']), ['lead']))).toBe('ACCESS.CLIENT_NOT_VISIBLE');
  });

  it('leaves the key worker and the lead to the lead agency (handover, never taking)', () => {
    expect(code(() => ClientAccess.manageAsLead(as(['caseworker'], 'a'), { leadAgencyId: 'a' }))).toBeUndefined();
    expect(code(() => ClientAccess.manageAsLead(as(['caseworker'], 'b'), { leadAgencyId: 'a' }))).toBe('ACCESS.NOT_LEAD_AGENCY');
    expect(code(() => ClientAccess.manageAsLead(as(['agency-admin'], 'a'), { leadAgencyId: 'a' }))).toBe('ACCESS.NOT_LEAD_AGENCY');
  });

  it("shows the client's audit trail to the lead agency's caseworkers only, refusing everyone else as if the client did not exist", () => {
    expect(code(() => ClientAccess.readAudit(as(['caseworker'], 'a'), { leadAgencyId: 'a' }))).toBeUndefined();
    for (const principal of [as(['caseworker'], 'b'), as(['agency-admin'], 'a'), as(['coordinator'], null)]) {
      expect(code(() => ClientAccess.readAudit(principal, { leadAgencyId: 'a' }))).toBe('ACCESS.CLIENT_NOT_VISIBLE');
    }
    expect(code(() => ClientAccess.readAudit(as(['caseworker'], 'a'), null))).toBe('ACCESS.CLIENT_NOT_VISIBLE');
  });

  it('lets the lead agency or a coordinator erase a client, and no other agency', () => {
    expect(code(() => ClientAccess.erase(as(['caseworker'], 'a'), { leadAgencyId: 'a' }))).toBeUndefined();
    expect(code(() => ClientAccess.erase(as(['coordinator'], null), { leadAgencyId: 'a' }))).toBeUndefined();
    expect(code(() => ClientAccess.erase(as(['caseworker'], 'b'), { leadAgencyId: 'a' }))).toBe('ACCESS.NOT_LEAD_AGENCY');
  });
});
