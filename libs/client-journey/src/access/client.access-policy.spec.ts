import { Involvement, NOT_INVOLVED } from '@umbrella/agreement';
import { Principal } from '@umbrella/platform';
import { principalOf, refusalCode } from '@umbrella/testing';
import { ClientAccess } from './client.access-policy';

const as = (roles: Principal['roles'], agencyId: string | null = 'a'): Principal => principalOf(roles, agencyId);
const involved = (overrides: Partial<Involvement>): Involvement => ({ ...NOT_INVOLVED, ...overrides });
const code = refusalCode;

describe('ClientAccess', () => {
  it('lets only caseworkers of an agency act on clients, for that agency', () => {
    expect(ClientAccess.actingAgency(as(['caseworker']))).toBe('a');
    expect(code(() => ClientAccess.actingAgency(as(['caseworker'], null)))).toBe('ACCESS.ROLE_NOT_ALLOWED');
    for (const role of ['agency-admin', 'coordinator', 'analyst', 'operator'] as const) {
      expect(code(() => ClientAccess.actingAgency(as([role])))).toBe('ACCESS.ROLE_NOT_ALLOWED');
    }
  });

  it('answers an agency that may not follow the client as if the client did not exist, whatever it asks', () => {
    for (const inv of [NOT_INVOLVED, involved({ consentPurposes: ['referral'] })]) {
      for (const action of ['see', 'see-journey', 'record-consent', 'record-milestone', 'manage-case', 'erase'] as const) {
        expect(code(() => ClientAccess.decide(inv, action))).toBe('ACCESS.CLIENT_NOT_VISIBLE');
      }
    }
  });

  it('shows the record to the lead, claim holders, referral parties and agencies named for case coordination', () => {
    for (const inv of [involved({ lead: true }), involved({ claims: ['health'] }), involved({ referralParty: true }), involved({ consentPurposes: ['case-coordination'] })]) {
      expect(code(() => ClientAccess.decide(inv, 'see'))).toBeUndefined();
      expect(code(() => ClientAccess.decide(inv, 'record-milestone'))).toBeUndefined();
    }
    // outcome tracking follows the journey, never the record
    expect(code(() => ClientAccess.decide(involved({ consentPurposes: ['outcome-tracking'] }), 'see-journey'))).toBeUndefined();
    expect(code(() => ClientAccess.decide(involved({ consentPurposes: ['outcome-tracking'] }), 'see'))).toBe('ACCESS.CLIENT_NOT_VISIBLE');
  });

  it('leaves recording consent, the key worker and erasure to the lead, and withdrawals to the agencies holding the case', () => {
    expect(code(() => ClientAccess.decide(involved({ lead: true }), 'record-consent'))).toBeUndefined();
    // a claim holder could otherwise record a consent to itself, and keep the client once the consent its claim stood on is withdrawn
    expect(code(() => ClientAccess.decide(involved({ claims: ['health'] }), 'record-consent'))).toBe('ACCESS.NOT_LEAD_AGENCY');
    expect(code(() => ClientAccess.decide(involved({ claims: ['health'] }), 'withdraw-consent'))).toBeUndefined();
    expect(code(() => ClientAccess.decide(involved({ consentPurposes: ['outcome-tracking'] }), 'withdraw-consent'))).toBe('ACCESS.NOT_CASE_HOLDER');
    expect(code(() => ClientAccess.decide(involved({ referralParty: true }), 'record-consent'))).toBe('ACCESS.NOT_LEAD_AGENCY');
    expect(code(() => ClientAccess.decide(involved({ consentPurposes: ['case-coordination'] }), 'record-consent'))).toBe('ACCESS.NOT_LEAD_AGENCY');
    expect(code(() => ClientAccess.decide(involved({ lead: true }), 'manage-case'))).toBeUndefined();
    expect(code(() => ClientAccess.decide(involved({ claims: ['health'] }), 'manage-case'))).toBe('ACCESS.NOT_LEAD_AGENCY');
    expect(code(() => ClientAccess.decide(involved({ claims: ['health'] }), 'erase'))).toBe('ACCESS.NOT_LEAD_AGENCY');
  });

  it("shows the client's audit trail to the lead agency only; an agency that may not follow the client learns nothing", () => {
    expect(code(() => ClientAccess.readAudit(involved({ lead: true })))).toBeUndefined();
    for (const inv of [involved({ claims: ['health'] }), involved({ referralParty: true }), involved({ consentPurposes: ['case-coordination'] })]) {
      expect(code(() => ClientAccess.readAudit(inv))).toBe('ACCESS.NOT_LEAD_AGENCY');
    }
    for (const inv of [NOT_INVOLVED, involved({ consentPurposes: ['referral'] })]) expect(code(() => ClientAccess.readAudit(inv))).toBe('ACCESS.CLIENT_NOT_VISIBLE');
  });
});
