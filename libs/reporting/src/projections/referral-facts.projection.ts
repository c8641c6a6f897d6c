import { AgencyRegisteredV1, ReferralRequestedV1 } from '@umbrella/contracts';
import { HandledEvent } from '@umbrella/messaging';
import { EntityManager } from 'typeorm';

/** Reporting holds facts keyed by pseudonymous ids only: no person can be read back from it. */
export async function onReferralRequested(event: HandledEvent, tx: EntityManager): Promise<void> {
  const d = event.data as ReferralRequestedV1;
  await tx.query(
    `INSERT INTO referral_fact (referral_id, client_id, from_agency_id, to_agency_id, domain, status, requested_at)
     VALUES ($1, $2, $3, $4, $5, 'requested', $6) ON CONFLICT (referral_id) DO NOTHING`,
    [d.referralId, d.clientId, d.fromAgencyId, d.toAgencyId, d.domain, d.requestedAt],
  );
}

export async function onAgencyRegistered(event: HandledEvent, tx: EntityManager): Promise<void> {
  const d = event.data as AgencyRegisteredV1;
  await tx.query(
    `INSERT INTO agency_dim (agency_id, stakeholder_type, region) VALUES ($1, $2, $3)
     ON CONFLICT (agency_id) DO UPDATE SET stakeholder_type = EXCLUDED.stakeholder_type, region = EXCLUDED.region`,
    [d.agencyId, d.stakeholderType, d.region],
  );
}
