import { AccessDenied, hasRole, Principal } from '@umbrella/platform';
import { EntityManager } from 'typeorm';
import { AccessBasis, accessBases } from './access-grants';

/**
 * Who may do what with clients: the one place client-journey decides it.
 *
 * - An agency sees a client only while it holds a claim on them, has an open referral for them,
 *   or the client's consent covers it. The lead agency (the key worker's agency, UA-3) holds the
 *   client's case, which counts as holding a claim. A domain consent names no agency, so it shows
 *   the client to the agencies it covers through the referral it allows.
 * - Only caseworkers act on clients, and always for their own agency (their token's agency).
 * - Registering: any caseworker; their agency becomes the lead and they the key worker.
 * - Consent, milestones, reading the record and the timeline: caseworkers of an agency that sees the client.
 * - Assigning the key worker or handing the lead to another agency: caseworkers of the lead agency.
 * - Erasure: a caseworker of the lead agency, or a partnership coordinator (who sees no personal data).
 * - The client's audit trail: caseworkers of the lead agency.
 *
 * "Not visible" and "no such client" get the same refusal, so a 403 never reveals whether a
 * client exists; a 404 is given only to someone who could see the client anyway.
 */
export const ClientAccess = {
  /** The caseworker's own agency, on whose behalf they act. */
  actingAgency(principal: Principal): string {
    if (!hasRole(principal, 'caseworker')) throw new AccessDenied('ACCESS.ROLE_NOT_ALLOWED', 'Only caseworkers work with clients.');
    if (!principal.agencyId) throw new AccessDenied('ACCESS.ROLE_NOT_ALLOWED', 'Only caseworkers of an agency work with clients.');
    return principal.agencyId;
  },

  /** Decides visibility from the bases the caller's agency holds (pure; see assertVisible). */
  decideVisible(principal: Principal, bases: readonly AccessBasis[]): void {
    if (!hasRole(principal, 'caseworker') || !principal.agencyId || bases.length === 0) throw notVisible();
  },

  async assertVisible(principal: Principal, clientId: string, db: EntityManager): Promise<void> {
    if (!hasRole(principal, 'caseworker') || !principal.agencyId) throw notVisible();
    ClientAccess.decideVisible(principal, await accessBases(db, clientId, principal.agencyId));
  },

  async isVisibleTo(agencyId: string, clientId: string, db: EntityManager): Promise<boolean> {
    return (await accessBases(db, clientId, agencyId)).length > 0;
  },

  /** Key worker and lead changes belong to the agency leading the case. */
  manageAsLead(principal: Principal, client: { leadAgencyId: string }): void {
    if (!hasRole(principal, 'caseworker') || principal.agencyId !== client.leadAgencyId) {
      throw new AccessDenied('ACCESS.NOT_LEAD_AGENCY', "Only a caseworker of the client's lead agency may do this.");
    }
  },

  /** Who read or acted on the client: the lead agency's caseworkers only; to anyone else the client does not exist. */
  readAudit(principal: Principal, client: { leadAgencyId: string } | null): void {
    if (!client || !hasRole(principal, 'caseworker') || principal.agencyId !== client.leadAgencyId) throw notVisible();
  },

  /** Erasure: a coordinator for the partnership, or a caseworker of the lead agency. */
  erase(principal: Principal, client: { leadAgencyId: string }): void {
    if (hasRole(principal, 'coordinator')) return;
    ClientAccess.manageAsLead(principal, client);
  },
};

export function notVisible(): AccessDenied {
  return new AccessDenied('ACCESS.CLIENT_NOT_VISIBLE', 'Your agency may not see this client.');
}
