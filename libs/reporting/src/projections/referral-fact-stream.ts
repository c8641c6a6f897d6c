import { AgeBand, DomainOfSupport, EventOf, ReferralFactV1, ReferralReason, ReferralStatusV, StakeholderType } from '@umbrella/contracts';
import { EventPublisher, HandledEvent, newEvent } from '@umbrella/messaging';
import { EntityManager } from 'typeorm';

/** A referral_fact row as PostgreSQL returns it (timestamps as dates) or as a batch folds it (timestamps as ISO text). */
export interface FactRow {
  referral_id: string;
  client_id: string;
  from_agency_id: string;
  to_agency_id: string;
  domain: DomainOfSupport;
  status: ReferralStatusV;
  requested_at: Date | string;
  waitlisted: boolean;
  answer: ReferralFactV1['answer'] | null;
  answered_at: Date | string | null;
  reject_reason: ReferralReason | null;
  closed_at: Date | string | null;
  fact_sequence: number;
}

/** The dimensions a fact carries: the agencies' types and regions, the client's age band, as reporting knows them. */
export interface FactDimensions {
  from_type: StakeholderType | null;
  from_region: string | null;
  to_type: StakeholderType | null;
  to_region: string | null;
  age_band: AgeBand | null;
}

/**
 * Publishes the referral as it stands after this event, through the outbox in the projection's
 * transaction. The sequence is recomputed on a rebuild (same events, same order per client), but
 * a fact whose source event was published before is not published again.
 */
export async function publishReferralFact(publisher: EventPublisher, event: HandledEvent, tx: EntityManager, referralId: string): Promise<void> {
  // One statement: move the sequence on, mark the source event published, read the row with its dimensions.
  const rows: (FactRow & FactDimensions & { fresh: boolean })[] = await tx.query(
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
  await publisher.publish(tx, [factEventOf(event, rows[0])]);
}

const asDate = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));

/** The ReferralFactRecorded event for a row as it stands after `event`. */
export function factEventOf(event: HandledEvent, r: FactRow & FactDimensions): EventOf<'ReferralFactRecorded'> {
  const answeredAt = r.answered_at == null ? null : asDate(r.answered_at);
  const data: ReferralFactV1 = {
    referralId: r.referral_id,
    sequence: r.fact_sequence,
    fromAgencyId: r.from_agency_id,
    toAgencyId: r.to_agency_id,
    domain: r.domain,
    status: r.status,
    waitlisted: r.waitlisted,
    requestedAt: asDate(r.requested_at).toISOString(),
    ...(r.from_type != null ? { fromStakeholderType: r.from_type } : {}),
    ...(r.from_region != null ? { fromRegion: r.from_region } : {}),
    ...(r.to_type != null ? { toStakeholderType: r.to_type } : {}),
    ...(r.to_region != null ? { toRegion: r.to_region } : {}),
    ...(r.age_band != null ? { clientAgeBand: r.age_band } : {}),
    ...(r.answer != null ? { answer: r.answer } : {}),
    ...(answeredAt ? { answeredAt: answeredAt.toISOString() } : {}),
    ...(answeredAt && r.answer !== 'expired' ? { secondsToAnswer: Math.max(0, Math.round((answeredAt.getTime() - asDate(r.requested_at).getTime()) / 1000)) } : {}),
    ...(r.reject_reason != null ? { rejectReason: r.reject_reason } : {}),
    ...(r.closed_at != null ? { closedAt: asDate(r.closed_at).toISOString() } : {}),
  };
  return newEvent({ type: 'ReferralFactRecorded', producer: 'reporting', data, correlationId: event.correlationId, causationId: event.eventId });
}
