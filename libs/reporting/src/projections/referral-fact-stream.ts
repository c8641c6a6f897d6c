import { EventEnvelope, ReferralFactV1 } from '@umbrella/contracts';
import { appendToOutbox, HandledEvent, newEvent } from '@umbrella/messaging';
import { EntityManager } from 'typeorm';

/** A referral_fact row with the dimensions a fact carries (the agencies' types and regions, the client's age band). */
export type FactRow = Record<string, unknown>;

/**
 * Publishes the referral as it stands after this event, through the outbox in the projection's
 * transaction. The sequence is recomputed on a rebuild (same events, same order per client), but
 * a fact whose source event was published before is not published again.
 */
export async function publishReferralFact(event: HandledEvent, tx: EntityManager, referralId: string): Promise<void> {
  // One statement: move the sequence on, mark the source event published, read the row with its dimensions.
  const rows: FactRow[] = await tx.query(
    `WITH r AS (UPDATE referral_fact SET fact_sequence = fact_sequence + 1 WHERE referral_id = $1 RETURNING *),
          fresh AS (INSERT INTO fact_published (source_event_id) SELECT $2::uuid FROM r ON CONFLICT DO NOTHING RETURNING source_event_id)
     SELECT r.*,
       f.stakeholder_type AS from_type, f.region AS from_region,
       t.stakeholder_type AS to_type, t.region AS to_region,
       c.age_band,
       EXISTS (SELECT 1 FROM fresh) AS fresh
     FROM r
       LEFT JOIN agency_dim f ON f.agency_id = r.from_agency_id
       LEFT JOIN agency_dim t ON t.agency_id = r.to_agency_id
       LEFT JOIN client_dim c ON c.client_id = r.client_id`,
    [referralId, event.eventId],
  );
  // a fact whose source event was published before (a replay) is not published again
  if (rows.length === 0 || !rows[0].fresh) return;
  await appendToOutbox(tx, [factEventOf(event, rows[0])]);
}

const asDate = (v: unknown): Date | null => (v == null ? null : v instanceof Date ? v : new Date(v as string));
const iso = (v: unknown): string | undefined => asDate(v)?.toISOString();

/** The ReferralFactRecorded event for a row as it stands after `event` (timestamps as dates or ISO text). */
export function factEventOf(event: HandledEvent, r: FactRow): EventEnvelope<string, ReferralFactV1> {
  const answeredAt = asDate(r.answered_at);
  const data: ReferralFactV1 = {
    referralId: r.referral_id as string,
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
    secondsToAnswer: answeredAt && r.answer !== 'expired' ? Math.max(0, Math.round((answeredAt.getTime() - asDate(r.requested_at)!.getTime()) / 1000)) : undefined,
    rejectReason: (r.reject_reason ?? undefined) as ReferralFactV1['rejectReason'],
    closedAt: iso(r.closed_at),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (data as unknown as Record<string, unknown>)[k] = v;
  return newEvent({ type: 'ReferralFactRecorded', schemaVersion: 1, producer: 'reporting', data, correlationId: event.correlationId, causationId: event.eventId });
}
