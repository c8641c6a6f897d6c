import { ClaimGrantedV1, ClaimReleasedV1, ConsentGivenV1, ConsentWithdrawnV1, KeyWorkerAssignedV1, ReferralTransitionV1 } from '@umbrella/contracts';
import { HandledEvent } from '@umbrella/messaging';
import { EntityManager } from 'typeorm';
import { agencyShownBy } from '../domain/consent';

/** Why an agency may see a client (rule 7: a claim, an open referral, consent; the lead agency holds the case). */
export type AccessBasis = 'open-referral' | 'claim' | 'consent' | 'lead';

export interface AccessGrant {
  readonly clientId: string;
  readonly agencyId: string;
  readonly basis: AccessBasis;
  /** What the grant comes from (referral id, consent id, key-worker assignment id). */
  readonly sourceId: string;
  readonly at: string | Date;
}

/*
 * A grant and its revocation commute: a revocation that arrives first leaves a revoked row, and
 * the grant arriving after it changes nothing. So the command that gives or withdraws consent can
 * apply its effect at once, in its own transaction, and the projection of the topic can apply the
 * same events again later, or rebuild the table from the beginning, with the same result.
 */

export async function grantAccess(tx: EntityManager, grant: AccessGrant): Promise<void> {
  await tx.query(
    `INSERT INTO client_agency_access (client_id, agency_id, basis, source_id, since) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (client_id, agency_id, basis, source_id) DO NOTHING`,
    [grant.clientId, grant.agencyId, grant.basis, grant.sourceId, grant.at],
  );
}

export async function revokeAccess(tx: EntityManager, grant: AccessGrant): Promise<void> {
  await tx.query(
    `INSERT INTO client_agency_access (client_id, agency_id, basis, source_id, since, revoked_at) VALUES ($1, $2, $3, $4, $5, $5)
     ON CONFLICT (client_id, agency_id, basis, source_id) DO UPDATE SET revoked_at = COALESCE(client_agency_access.revoked_at, EXCLUDED.revoked_at)`,
    [grant.clientId, grant.agencyId, grant.basis, grant.sourceId, grant.at],
  );
}

/** The access effect of one client event, if it has one. Used by the commands and by the projection alike. */
export async function applyAccessEffect(tx: EntityManager, event: Pick<HandledEvent, 'type' | 'data'> & { eventId?: string }): Promise<void> {
  switch (event.type) {
    case 'ClaimGranted': {
      // one client's events share a partition, so a claim's grant and release arrive in order
      const d = event.data as ClaimGrantedV1;
      await grantAccess(tx, { clientId: d.clientId, agencyId: d.agencyId, basis: 'claim', sourceId: `${d.domain}:${event.eventId ?? d.grantedAt}`, at: d.grantedAt });
      return;
    }
    case 'ClaimReleased': {
      const d = event.data as ClaimReleasedV1;
      await tx.query(
        `UPDATE client_agency_access SET revoked_at = $4 WHERE client_id = $1 AND agency_id = $2 AND basis = 'claim' AND source_id LIKE $3 AND revoked_at IS NULL`,
        [d.clientId, d.agencyId, `${d.domain}:%`, d.releasedAt],
      );
      return;
    }
    case 'ReferralRejected':
    case 'ReferralCompleted':
    case 'ReferralFailed':
    case 'ReferralCancelled':
    case 'ReferralExpired':
    case 'ReferralEnteredInError': {
      const d = event.data as ReferralTransitionV1;
      for (const agencyId of [d.fromAgencyId, d.toAgencyId]) {
        await revokeAccess(tx, { clientId: d.clientId, agencyId, basis: 'open-referral', sourceId: d.referralId, at: d.at });
      }
      return;
    }
    case 'ConsentGiven': {
      const d = event.data as ConsentGivenV1;
      const agencyId = agencyShownBy(d);
      if (agencyId) await grantAccess(tx, { clientId: d.clientId, agencyId, basis: 'consent', sourceId: d.consentId, at: d.givenAt });
      return;
    }
    case 'ConsentWithdrawn': {
      const d = event.data as ConsentWithdrawnV1;
      const agencyId = agencyShownBy(d);
      if (agencyId) await revokeAccess(tx, { clientId: d.clientId, agencyId, basis: 'consent', sourceId: d.consentId, at: d.withdrawnAt });
      return;
    }
    case 'KeyWorkerAssigned': {
      const d = event.data as KeyWorkerAssignedV1;
      await grantAccess(tx, { clientId: d.clientId, agencyId: d.leadAgencyId, basis: 'lead', sourceId: d.assignmentId, at: d.assignedAt });
      if (d.previousAssignmentId && d.previousLeadAgencyId) {
        await revokeAccess(tx, { clientId: d.clientId, agencyId: d.previousLeadAgencyId, basis: 'lead', sourceId: d.previousAssignmentId, at: d.assignedAt });
      }
      return;
    }
    default:
      return;
  }
}

/** The bases on which an agency may see a client now. */
export async function accessBases(db: EntityManager, clientId: string, agencyId: string): Promise<AccessBasis[]> {
  const rows: { basis: AccessBasis }[] = await db.query(
    'SELECT DISTINCT basis FROM client_agency_access WHERE client_id = $1 AND agency_id = $2 AND revoked_at IS NULL',
    [clientId, agencyId],
  );
  return rows.map((r) => r.basis);
}
