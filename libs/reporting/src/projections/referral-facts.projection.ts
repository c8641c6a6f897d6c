import { AgencyEvent, ClientEvent, EventOf, ReferralEvent, ReferralFactV1, ReferralTransitionEventType, ReferralTransitionV1 } from '@umbrella/contracts';
import { isAnswer, isClosedStatus, REFERRAL_TRANSITION_EVENTS } from '@umbrella/contracts/vocabulary';
import { ConsumerHandlers, EventPublisher } from '@umbrella/messaging';
import { EntityManager } from 'typeorm';
import { publishReferralFact } from './referral-fact-stream';

/*
 * Reporting holds facts keyed by pseudonymous ids only: no person can be read back from it.
 * Every handler is an upsert or a keyed insert, so the projection is the same whatever the
 * interleaving of topics, and a replay from offset zero gives the same rows.
 */

export async function onReferralRequested(publisher: EventPublisher, event: EventOf<'ReferralRequested'>, tx: EntityManager): Promise<void> {
  // consumers see the latest version: v1 events arrive upcast to v2
  const d = event.data;
  await tx.query(
    `INSERT INTO referral_fact (referral_id, client_id, from_agency_id, to_agency_id, domain, status, requested_at, waitlisted)
     VALUES ($1, $2, $3, $4, $5, 'requested', $6, $7) ON CONFLICT (referral_id) DO NOTHING`,
    [d.referralId, d.clientId, d.fromAgencyId, d.toAgencyId, d.domain, d.requestedAt, d.waitlisted],
  );
  await publishReferralFact(publisher, event, tx, d.referralId);
}

/** The first answer (accepted, rejected or expired) is the one time-to-answer measures; later steps only move the status. */
export async function onReferralTransition(publisher: EventPublisher, event: EventOf<ReferralTransitionEventType>, tx: EntityManager): Promise<void> {
  const d = event.data;
  const answer = answerOf(d);
  const closed = closes(d);
  // The request precedes its transitions on the same partition (both keyed by client id), so the row is there.
  await tx.query(
    `UPDATE referral_fact SET status = $2,
        answer        = CASE WHEN answer IS NULL AND $3::text IS NOT NULL THEN $3 ELSE answer END,
        answered_at   = CASE WHEN answer IS NULL AND $3::text IS NOT NULL THEN $4::timestamptz ELSE answered_at END,
        reject_reason = CASE WHEN $3::text = 'rejected' THEN $5 ELSE reject_reason END,
        closed_at     = CASE WHEN $6 THEN $4::timestamptz ELSE closed_at END
      WHERE referral_id = $1`,
    [d.referralId, d.status, answer, d.at, d.reason ?? null, closed],
  );
  await publishReferralFact(publisher, event, tx, d.referralId);
}

export async function onDecisionRecorded(event: EventOf<'AgreementDecisionRecorded'>, tx: EntityManager): Promise<void> {
  const d = event.data;
  await tx.query(
    `INSERT INTO decision_fact (decision_id, client_id, command, outcome, code, agency_id, domain, decided_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (decision_id) DO NOTHING`,
    [d.decisionId, d.clientId, d.command, d.outcome, d.code ?? null, d.agencyId ?? null, d.domain ?? null, d.decidedAt],
  );
}

export async function onOutcomeCredited(event: EventOf<'OutcomeCredited'>, tx: EntityManager): Promise<void> {
  const d = event.data;
  // one row per milestone: the outcome is credited once (UA-10), whatever the number of contributors
  await tx.query(
    `INSERT INTO outcome_fact (milestone_id, client_id, outcome, credited_agency_id, contributing_agency_ids, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (milestone_id) DO NOTHING`,
    [d.milestoneId, d.clientId, d.outcome, d.creditedAgencyId, d.contributingAgencyIds, d.occurredAt],
  );
}

export async function onAgencyRegistered(event: EventOf<'AgencyRegistered' | 'AgencyUpdated'>, tx: EntityManager): Promise<void> {
  const d = event.data;
  await tx.query(
    `INSERT INTO agency_dim (agency_id, stakeholder_type, region) VALUES ($1, $2, $3)
     ON CONFLICT (agency_id) DO UPDATE SET stakeholder_type = EXCLUDED.stakeholder_type, region = EXCLUDED.region`,
    [d.agencyId, d.stakeholderType, d.region],
  );
}

export async function onClientRegistered(event: EventOf<'ClientRegistered'>, tx: EntityManager): Promise<void> {
  const d = event.data;
  await tx.query(
    `INSERT INTO client_dim (client_id, age_band, under25, region, registered_by_agency_id, registered_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (client_id) DO NOTHING`,
    [d.clientId, d.ageBand, d.under25, d.region, d.registeredByAgencyId, d.registeredAt],
  );
}

export async function onMilestoneRecorded(event: EventOf<'MilestoneRecorded'>, tx: EntityManager): Promise<void> {
  const d = event.data;
  await tx.query(
    `INSERT INTO milestone_fact (milestone_id, client_id, milestone, occurred_on, lead_agency_id)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (milestone_id) DO NOTHING`,
    [d.milestoneId, d.clientId, d.milestone, d.occurredOn, d.leadAgencyId],
  );
}

export async function onKeyWorkerAssigned(event: EventOf<'KeyWorkerAssigned'>, tx: EntityManager): Promise<void> {
  const d = event.data;
  await tx.query(
    `INSERT INTO key_worker_assignment (assignment_id, client_id, lead_agency_id, key_worker_id, assigned_at)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (assignment_id) DO NOTHING`,
    [d.assignmentId, d.clientId, d.leadAgencyId, d.keyWorkerId, d.assignedAt],
  );
}

/** The first answer a transition gives a referral, if it is one: accepted, rejected or expired straight from requested. */
export function answerOf(d: ReferralTransitionV1): NonNullable<ReferralFactV1['answer']> | null {
  return isAnswer(d.status) && d.previousStatus === 'requested' ? d.status : null;
}

export function closes(d: ReferralTransitionV1): boolean {
  return isClosedStatus(d.status);
}

/** The referral transition event types, each applied by onReferralTransition. */
export const TRANSITION_TYPES: ReadonlySet<string> = new Set(REFERRAL_TRANSITION_EVENTS);

export function isTransition(event: ReferralEvent | AgencyEvent | ClientEvent): event is EventOf<ReferralTransitionEventType> {
  return TRANSITION_TYPES.has(event.type);
}

/** What reporting reads. */
export type ProjectedEvent = ReferralEvent | AgencyEvent | ClientEvent;

/** The event types the projections apply; every other type on the topics is skipped. */
export type ProjectedEventType = 'ReferralRequested' | ReferralTransitionEventType | 'AgreementDecisionRecorded' | 'OutcomeCredited' | 'AgencyRegistered' | 'AgencyUpdated' | 'ClientRegistered' | 'MilestoneRecorded' | 'KeyWorkerAssigned';

export const PROJECTED_EVENT_TYPES: readonly ProjectedEventType[] = [
  'ReferralRequested',
  ...REFERRAL_TRANSITION_EVENTS,
  'AgreementDecisionRecorded',
  'OutcomeCredited',
  'AgencyRegistered',
  'AgencyUpdated',
  'ClientRegistered',
  'MilestoneRecorded',
  'KeyWorkerAssigned',
];

/** The handlers of the reporting projections, by event type; every other type on the topics is skipped. */
export function projectionHandlers(publisher: EventPublisher): Required<ConsumerHandlers<EventOf<ProjectedEventType>>> {
  const requested = (event: EventOf<'ReferralRequested'>, tx: EntityManager) => onReferralRequested(publisher, event, tx);
  const transition = (event: EventOf<ReferralTransitionEventType>, tx: EntityManager) => onReferralTransition(publisher, event, tx);
  return {
    ReferralRequested: requested,
    ReferralAccepted: transition,
    ReferralRejected: transition,
    ReferralStarted: transition,
    ReferralPaused: transition,
    ReferralResumed: transition,
    ReferralCompleted: transition,
    ReferralFailed: transition,
    ReferralCancelled: transition,
    ReferralExpired: transition,
    ReferralEnteredInError: transition,
    AgreementDecisionRecorded: onDecisionRecorded,
    OutcomeCredited: onOutcomeCredited,
    AgencyRegistered: onAgencyRegistered,
    AgencyUpdated: onAgencyRegistered,
    ClientRegistered: onClientRegistered,
    MilestoneRecorded: onMilestoneRecorded,
    KeyWorkerAssigned: onKeyWorkerAssigned,
  };
}

/** What a rebuild empties before re-reading the topics from offset zero. */
export const PROJECTION_TABLES = ['referral_fact', 'agency_dim', 'decision_fact', 'outcome_fact', 'client_dim', 'milestone_fact', 'key_worker_assignment'] as const;
