import { ClientAction, ClientState, involvementIn, NOT_INVOLVED, refusalOf } from '@umbrella/agreement';
import { AccessDenied, clientAccessDenied, hasRole, Principal } from '@umbrella/platform';

/**
 * Who may do what with referrals and clients: the one place the referral service decides it.
 * Routes name their roles with @Roles; these checks look at the data. What an agency may do with
 * a client follows from its involvement (libs/agreement's access model), read from this service's
 * own copy of the facts: the lead, the claims, the open referrals, the consents and their purposes.
 * Refusals never say whether a record exists, nor who works with the client.
 */
export const ReferralAccess = {
  /**
   * An action of the caller's agency on a client. An agency that may not follow the client is
   * refused exactly as for a client that does not exist; one that may is told why it may not act.
   */
  onClient(agencyId: string | null, state: ClientState, action: ClientAction | 'decide'): void {
    const refusal = refusalOf(agencyId ? involvementIn(state, agencyId) : NOT_INVOLVED, action);
    if (refusal) throw clientAccessDenied(refusal);
  },

  /** A caseworker refers clients only on behalf of their own agency. */
  request(principal: Principal, fromAgencyId: string): void {
    if (!hasRole(principal, 'caseworker')) throw new AccessDenied('ACCESS.ROLE_NOT_ALLOWED', 'Only caseworkers refer clients.');
    if (principal.agencyId !== fromAgencyId) {
      throw new AccessDenied('ACCESS.OTHER_AGENCY', 'You may only refer clients on behalf of your own agency.');
    }
  },

  /** Agency staff list only referrals their agency sent or received; returns the agency to scope by. */
  listScope(principal: Principal, requestedAgencyId: string | undefined): string {
    if (!hasRole(principal, 'caseworker', 'agency-admin') || !principal.agencyId) throw new AccessDenied();
    if (requestedAgencyId && requestedAgencyId !== principal.agencyId) {
      throw new AccessDenied('ACCESS.OTHER_AGENCY', "You may only list your own agency's referrals.");
    }
    return principal.agencyId;
  },

  /** A referral is visible to the two agencies it links; anything else reads as "not yours". */
  view(principal: Principal, referral: { fromAgencyId: string; toAgencyId: string } | null): void {
    const involved = referral !== null && principal.agencyId !== null && [referral.fromAgencyId, referral.toAgencyId].includes(principal.agencyId);
    if (!hasRole(principal, 'caseworker', 'agency-admin') || !involved) throw new AccessDenied();
  },
};

