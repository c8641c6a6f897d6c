import { ReferralRequestedV1 } from '@umbrella/contracts';
import { HandledEvent } from '@umbrella/messaging';
import { EntityManager } from 'typeorm';

/** The journey timeline is a projection of the topics: it can be rebuilt by replaying them from the start. */
export async function onReferralRequested(event: HandledEvent, tx: EntityManager): Promise<void> {
  const data = event.data as ReferralRequestedV1;
  await tx.query(
    `INSERT INTO journey_entry (event_id, client_id, event_type, occurred_at, agency_ids, summary, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) ON CONFLICT (event_id) DO NOTHING`,
    [
      event.eventId,
      data.clientId,
      event.type,
      event.occurredAt,
      [data.fromAgencyId, data.toAgencyId],
      `Referred by ${data.fromAgencyId} to ${data.toAgencyId} for ${data.domain}`,
      JSON.stringify({ referralId: data.referralId, domain: data.domain, serviceId: data.serviceId ?? null }),
    ],
  );
}

/** A referral opens access to the client for both agencies it links. */
export async function grantAccessForReferral(event: HandledEvent, tx: EntityManager): Promise<void> {
  const data = event.data as ReferralRequestedV1;
  for (const agencyId of [data.fromAgencyId, data.toAgencyId]) {
    await tx.query(
      `INSERT INTO client_agency_access (client_id, agency_id, basis, source_id, since) VALUES ($1, $2, 'open-referral', $3, $4)
       ON CONFLICT DO NOTHING`,
      [data.clientId, agencyId, data.referralId, event.occurredAt],
    );
  }
}

export async function onReferralRequestedEvent(event: HandledEvent, tx: EntityManager): Promise<void> {
  await onReferralRequested(event, tx);
  await grantAccessForReferral(event, tx);
}
