import { ClientAction, Involvement, NOT_INVOLVED, permits, refusalOf } from '@umbrella/agreement';
import { AccessDenied, clientAccessDenied, hasRole, Principal } from '@umbrella/platform';
import { EntityManager } from 'typeorm';
import { involvementOf } from './access-grants';

/**
 * Who may do what with clients: the one place client-journey decides it, by the partnership's
 * access model (libs/agreement's involvement; the README has the table). An agency's involvement
 * is read from this service's copy of the facts: the client's lead agency (registration, then
 * handovers decided by the referral service), and grants built from the claim, referral and
 * consent events. The referral service decides from its copy of the same events.
 *
 * - Only caseworkers act on clients, and always for their own agency (their token's agency).
 * - Registering: any caseworker; their agency becomes the lead and they the key worker.
 * - Erasure: the lead agency, or a partnership coordinator (who sees no personal data).
 * - The client's audit trail here (who read or acted on them): the lead agency.
 *
 * An agency the model does not let follow the client gets the same refusal as for a client that
 * does not exist, so a 403 never reveals whether a client exists or who works with them; a 404 is
 * given only to someone who could see the client anyway.
 */
export const ClientAccess = {
  /** The caseworker's own agency, on whose behalf they act. */
  actingAgency(principal: Principal): string {
    if (!hasRole(principal, 'caseworker')) throw new AccessDenied('ACCESS.ROLE_NOT_ALLOWED', 'Only caseworkers work with clients.');
    if (!principal.agencyId) throw new AccessDenied('ACCESS.ROLE_NOT_ALLOWED', 'Only caseworkers of an agency work with clients.');
    return principal.agencyId;
  },

  /** The caller's agency's involvement; none for anyone but a caseworker of an agency. */
  async involvement(principal: Principal, clientId: string, db: EntityManager): Promise<Involvement> {
    if (!hasRole(principal, 'caseworker') || !principal.agencyId) return NOT_INVOLVED;
    return involvementOf(db, clientId, principal.agencyId);
  },

  /** Decides an action from an involvement (pure; see assertMay). */
  decide(involvement: Involvement, action: ClientAction): void {
    const refusal = refusalOf(involvement, action);
    if (refusal) throw clientAccessDenied(refusal);
  },

  async assertMay(principal: Principal, clientId: string, db: EntityManager, action: ClientAction): Promise<void> {
    ClientAccess.decide(await ClientAccess.involvement(principal, clientId, db), action);
  },

  /** Who read or acted on the client: the lead agency's business; to anyone else the client does not exist. */
  readAudit(involvement: Involvement): void {
    ClientAccess.decide(involvement, 'read-audit');
  },

  /** Whether an agency may see a client's record. */
  async isVisibleTo(agencyId: string, clientId: string, db: EntityManager): Promise<boolean> {
    return permits(await involvementOf(db, clientId, agencyId), 'see');
  },
};
