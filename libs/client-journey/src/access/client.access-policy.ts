import { AccessDenied, hasRole, Principal } from '@umbrella/platform';
import { EntityManager } from 'typeorm';

/**
 * An agency sees a client only while it holds a claim on them, has an open referral for them,
 * or the client's consent covers it. The same refusal answers "not yours" and "no such client",
 * so a 403 never reveals whether a client exists.
 */
export const ClientAccess = {
  async assertVisible(principal: Principal, clientId: string, db: EntityManager): Promise<void> {
    if (!hasRole(principal, 'caseworker') || !principal.agencyId) throw notVisible();
    const rows: unknown[] = await db.query('SELECT 1 FROM client_agency_access WHERE client_id = $1 AND agency_id = $2 LIMIT 1', [clientId, principal.agencyId]);
    if (rows.length === 0) throw notVisible();
  },
};

function notVisible(): AccessDenied {
  return new AccessDenied('ACCESS.CLIENT_NOT_VISIBLE', 'Your agency may not see this client.');
}
