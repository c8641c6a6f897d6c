import { ReferralFactV1 } from '@umbrella/contracts';
import { appendToOutbox, HandledEvent, newEvent } from '@umbrella/messaging';
import { EntityManager } from 'typeorm';

/**
 * Publishes the referral as it stands after this event, through the outbox in the projection's
 * transaction. The sequence is recomputed on a rebuild (same events, same order per client), but
 * a fact whose source event was published before is not published again.
 */
export async function publishReferralFact(event: HandledEvent, tx: EntityManager, referralId: string): Promise<void> {
  await tx.query('UPDATE referral_fact SET fact_sequence = fact_sequence + 1 WHERE referral_id = $1', [referralId]);
  const rows: Record<string, unknown>[] = await tx.query(
    `SELECT r.*,
       (SELECT stakeholder_type FROM agency_dim WHERE agency_id = r.from_agency_id) AS from_type,
       (SELECT region FROM agency_dim WHERE agency_id = r.from_agency_id) AS from_region,
       (SELECT stakeholder_type FROM agency_dim WHERE agency_id = r.to_agency_id) AS to_type,
       (SELECT region FROM agency_dim WHERE agency_id = r.to_agency_id) AS to_region,
       (SELECT age_band FROM client_dim WHERE client_id = r.client_id) AS age_band
     FROM referral_fact r WHERE r.referral_id = $1`,
    [referralId],
  );
  if (rows.length === 0) return;
  const fresh: unknown[] = await tx.query('INSERT INTO fact_published (source_event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING source_event_id', [event.eventId]);
  if (fresh.length === 0) return;
  const r = rows[0];
  const iso = (v: unknown) => (v ? (v as Date).toISOString() : undefined);
  const answeredAt = r.answered_at as Date | null;
  const data: ReferralFactV1 = {
    referralId,
    sequence: r.fact_sequence as number,
    fromAgencyId: r.from_agency_id as string,
    toAgencyId: r.to_agency_id as string,
    domain: r.domain as ReferralFactV1['domain'],
    status: r.status as string,
    waitlisted: r.waitlisted as boolean,
    requestedAt: iso(r.requested_at)!,
  };
  const optional: Partial<ReferralFactV1> = {
    fromStakeholderType: (r.from_type ?? undefined) as ReferralFactV1['fromStakeholderType'],
    fromRegion: (r.from_region ?? undefined) as string | undefined,
    toStakeholderType: (r.to_type ?? undefined) as ReferralFactV1['toStakeholderType'],
    toRegion: (r.to_region ?? undefined) as string | undefined,
    clientAgeBand: (r.age_band ?? undefined) as ReferralFactV1['clientAgeBand'],
    answer: (r.answer ?? undefined) as string | undefined,
    answeredAt: iso(answeredAt),
    secondsToAnswer: answeredAt && r.answer !== 'expired' ? Math.max(0, Math.round((answeredAt.getTime() - (r.requested_at as Date).getTime()) / 1000)) : undefined,
    rejectReason: (r.reject_reason ?? undefined) as ReferralFactV1['rejectReason'],
    closedAt: iso(r.closed_at),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (data as unknown as Record<string, unknown>)[k] = v;
  await appendToOutbox(tx, [
    newEvent({ type: 'ReferralFactRecorded', schemaVersion: 1, producer: 'reporting', data, correlationId: event.correlationId, causationId: event.eventId }),
  ]);
}
