import { Involvement, NOT_INVOLVED } from '@umbrella/agreement';
import { ClientEvent, DOMAINS_OF_SUPPORT, DomainOfSupport, ReferralEvent } from '@umbrella/contracts';
import { EntityManager } from 'typeorm';
import { consentBasis } from '../domain/consent';

/**
 * What involves an agency with a client, besides leading the case (the client row's lead agency):
 * a claim, an open referral, a consent naming it for case coordination (`consent`) or for outcome
 * tracking only (`outcome-tracking`).
 */
export type AccessBasis = 'open-referral' | 'claim' | 'consent' | 'outcome-tracking';

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
export async function applyAccessEffect(tx: EntityManager, event: ReferralEvent | ClientEvent): Promise<void> {
  switch (event.type) {
    case 'ClaimGranted': {
      // one client's events share a partition, so a claim's grant and release arrive in order
      const d = event.data;
      await grantAccess(tx, { clientId: d.clientId, agencyId: d.agencyId, basis: 'claim', sourceId: `${d.domain}:${event.eventId}`, at: d.grantedAt });
      return;
    }
    case 'ClaimReleased': {
      const d = event.data;
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
      const d = event.data;
      for (const agencyId of [d.fromAgencyId, d.toAgencyId]) {
        await revokeAccess(tx, { clientId: d.clientId, agencyId, basis: 'open-referral', sourceId: d.referralId, at: d.at });
      }
      return;
    }
    case 'ConsentGiven': {
      const d = event.data;
      const basis = consentBasis(d);
      if (basis && d.agencyId) await grantAccess(tx, { clientId: d.clientId, agencyId: d.agencyId, basis, sourceId: d.consentId, at: d.givenAt });
      return;
    }
    case 'ConsentWithdrawn': {
      const d = event.data;
      const basis = consentBasis(d);
      if (basis && d.agencyId) await revokeAccess(tx, { clientId: d.clientId, agencyId: d.agencyId, basis, sourceId: d.consentId, at: d.withdrawnAt });
      return;
    }
    case 'LeadHandedOver': {
      // the referral service decides handovers (UA-3, UA-9); this service follows its decision. A
      // handover applies to the lead it was decided from, so replaying an old one changes nothing.
      const d = event.data;
      const from = d.fromAgencyId ?? null;
      // an UPDATE … RETURNING answers [rows, count]
      const [moved]: [{ key_worker_assignment_id: string | null }[], number] = await tx.query(
        `UPDATE client c SET lead_agency_id = $2, key_worker_id = NULL, key_worker_assignment_id = NULL, key_worker_since = NULL
           FROM client previous
          WHERE c.client_id = $1 AND previous.client_id = c.client_id AND c.lead_agency_id <> $2 AND ($3::text IS NULL OR c.lead_agency_id = $3)
          RETURNING previous.key_worker_assignment_id`,
        [d.clientId, d.toAgencyId, from],
      );
      const ended = moved[0]?.key_worker_assignment_id;
      if (ended) await tx.query('UPDATE key_worker_assignment SET ended_at = $2 WHERE assignment_id = $1 AND ended_at IS NULL', [ended, d.at]);
      return;
    }
    default:
      return;
  }
}

/**
 * An agency's involvement with a client now, from this service's copy of the facts: the client's
 * lead agency and the active grants. The access model (libs/agreement) says what it allows.
 */
export async function involvementOf(db: EntityManager, clientId: string, agencyId: string): Promise<Involvement> {
  const rows: { basis: AccessBasis | 'lead'; source_id: string }[] = await db.query(
    `SELECT basis, source_id FROM client_agency_access WHERE client_id = $1 AND agency_id = $2 AND revoked_at IS NULL
     UNION ALL SELECT 'lead', '' FROM client WHERE client_id = $1 AND lead_agency_id = $2`,
    [clientId, agencyId],
  );
  if (rows.length === 0) return NOT_INVOLVED;
  const domains = new Set<DomainOfSupport>();
  for (const r of rows) {
    const domain = DOMAINS_OF_SUPPORT.find((d) => r.basis === 'claim' && r.source_id.startsWith(`${d}:`));
    if (domain) domains.add(domain);
  }
  return {
    lead: rows.some((r) => r.basis === 'lead'),
    claims: [...domains],
    referralParty: rows.some((r) => r.basis === 'open-referral'),
    consentPurposes: [
      ...(rows.some((r) => r.basis === 'consent') ? (['case-coordination'] as const) : []),
      ...(rows.some((r) => r.basis === 'outcome-tracking') ? (['outcome-tracking'] as const) : []),
    ],
  };
}
