import { ClientEvent, ClientEventData, EventData, EventOf, isEventType, ReferralEvent, ReferralEventData, TOPICS, EVENT_CONTRACTS } from '@umbrella/contracts';
import { EntityManager } from 'typeorm';
import { applyAccessEffect, grantAccess } from '../access/access-grants';

/*
 * The journey timeline is a projection of the two client-scoped topics (referrals and clients):
 * a new consumer group reads them from the beginning, so it can be rebuilt at any time. Events
 * carry no personal data by contract, so nothing personal can reach the timeline.
 */

export interface TimelineEntry {
  readonly agencyIds: string[];
  readonly summary: string;
  readonly details: Record<string, unknown>;
}

type Data = Record<string, unknown>;

/** What the timeline reads: every event on the two client-scoped topics. */
export type TimelineEvent = ReferralEvent | ClientEvent;
type TimelineType = keyof ReferralEventData | keyof ClientEventData;
/** What a timeline entry is made of: a timeline event's type with that type's data. */
export type TimelineInput = { [K in TimelineType]: { readonly type: K; readonly data: EventData<K> } }[TimelineType];

/**
 * The agency fields of the event types this service knows, in the order that reads ("from, to";
 * "recorded by, lead"). Field order on the wire says nothing: the outbox keeps envelopes as jsonb.
 */
const AGENCY_FIELDS: { readonly [K in TimelineType]?: readonly (keyof EventData<K> & string)[] } = {
  ReferralRequested: ['fromAgencyId', 'toAgencyId'],
  ClientRegistered: ['registeredByAgencyId'],
  ConsentGiven: ['agencyId', 'recordedByAgencyId'],
  ConsentWithdrawn: ['agencyId', 'recordedByAgencyId'],
  KeyWorkerAssigned: ['leadAgencyId', 'previousLeadAgencyId'],
  MilestoneRecorded: ['recordedByAgencyId', 'leadAgencyId'],
  LeadHandedOver: ['fromAgencyId', 'toAgencyId'],
};

/** Every agency an event names: the known fields in order, else any `agencyId` / `…AgencyId` field by name. */
export function agenciesNamed(data: Data, type?: string): string[] {
  const known: readonly string[] | undefined = type !== undefined && isTimelineType(type) ? AGENCY_FIELDS[type] : undefined;
  const fields = known ?? Object.keys(data).filter((f) => f === 'agencyId' || f.endsWith('AgencyId')).sort();
  const ids = fields.map((f) => data[f]).filter((value): value is string => typeof value === 'string');
  return [...new Set(ids)];
}

const scopeOf = (d: { agencyId?: string; domain?: string }) => (d.agencyId ? d.agencyId : `any agency in ${d.domain}`);

/** One sentence per event type a caseworker can read; a type this service does not know yet gets a plain one. */
const SUMMARIES: { readonly [K in TimelineType]?: (data: EventData<K>) => string } = {
  ReferralRequested: (r) => `Referred by ${r.fromAgencyId} to ${r.toAgencyId} for ${r.domain}`,
  ClientRegistered: (r) => `Registered by ${r.registeredByAgencyId} (age band ${r.ageBand}, region ${r.region})`,
  ConsentGiven: (c) => `Consent to share with ${scopeOf(c)} for ${c.purpose} (${c.evidence}), recorded by ${c.recordedByAgencyId}`,
  ConsentWithdrawn: (c) => `Consent to share with ${scopeOf(c)} for ${c.purpose} withdrawn (${c.reason === 'client-erased' ? 'client erased' : c.evidence})`,
  KeyWorkerAssigned: (k) => {
    if (k.previousLeadAgencyId && k.previousLeadAgencyId !== k.leadAgencyId) return `Lead passed from ${k.previousLeadAgencyId} to ${k.leadAgencyId}; key worker ${k.keyWorkerId}`;
    return `Key worker ${k.keyWorkerId} at ${k.leadAgencyId}`;
  },
  MilestoneRecorded: (m) => {
    const what = m.milestone.replace(/-/g, ' ');
    return `${what.charAt(0).toUpperCase()}${what.slice(1)}${m.domain ? ` (${m.domain})` : ''} on ${m.occurredOn}, recorded by ${m.recordedByAgencyId}`;
  },
  LeadHandedOver: (h) => (h.fromAgencyId ? `Lead handed over from ${h.fromAgencyId} to ${h.toAgencyId}` : `Lead taken on by ${h.toAgencyId}`),
  ClientErased: () => 'Personal data erased at the client’s request',
};

const TIMELINE_TYPES: ReadonlySet<string> = new Set(EVENT_CONTRACTS.filter((c) => c.topic === TOPICS.referrals || c.topic === TOPICS.clients).map((c) => c.type));

function isTimelineType(type: string): type is TimelineType {
  return isEventType(type) && TIMELINE_TYPES.has(type);
}

function summaryOf<K extends TimelineType>(event: { readonly type: K; readonly data: EventData<K> }): string | undefined {
  const summarise = SUMMARIES[event.type];
  return summarise?.(event.data);
}

export function timelineEntryOf(event: TimelineInput): TimelineEntry {
  const { clientId: _clientId, ...details } = event.data;
  const agencyIds = agenciesNamed(details, event.type);
  return {
    agencyIds,
    summary: summaryOf(event) ?? `${event.type.replace(/([a-z])([A-Z])/g, '$1 $2')}${agencyIds.length ? ` (${agencyIds.join(', ')})` : ''}`,
    details,
  };
}

export async function appendToTimeline(event: TimelineEvent, tx: EntityManager): Promise<void> {
  const entry = timelineEntryOf(event);
  await tx.query(
    `INSERT INTO journey_entry (event_id, client_id, event_type, occurred_at, agency_ids, summary, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) ON CONFLICT (event_id) DO NOTHING`,
    [event.eventId, event.key, event.type, event.occurredAt, entry.agencyIds, entry.summary, JSON.stringify(entry.details)],
  );
}

/** A referral opens access to the client for both agencies it links. */
export async function grantAccessForReferral(event: EventOf<'ReferralRequested'>, tx: EntityManager): Promise<void> {
  const data = event.data;
  for (const agencyId of [data.fromAgencyId, data.toAgencyId]) {
    await grantAccess(tx, { clientId: data.clientId, agencyId, basis: 'open-referral', sourceId: data.referralId, at: event.occurredAt });
  }
}

/** The event types that go on the journey: every one on the client-scoped topics but the agreement's decisions (its audit trail, which the referral service lists). */
export type JourneyEventType = Exclude<TimelineType, 'AgreementDecisionRecorded'>;

function isJourneyType(type: string): type is JourneyEventType {
  return isTimelineType(type) && type !== 'AgreementDecisionRecorded';
}

/** Built from the contracts, so an event the referral work adds shows on the timeline as soon as this service is built with it. */
export const JOURNEY_EVENT_TYPES: readonly JourneyEventType[] = [...TIMELINE_TYPES].filter(isJourneyType);

/** An event on the timeline, and the access it changes (a referral or a claim opens the client to an agency; a close, a release or a withdrawal ends it). */
export async function recordOnJourney(event: EventOf<JourneyEventType>, tx: EntityManager): Promise<void> {
  await appendToTimeline(event, tx);
  if (event.type === 'ReferralRequested') await grantAccessForReferral(event, tx);
  else await applyAccessEffect(tx, event);
}

export const TIMELINE_TOPICS = [TOPICS.referrals.name, TOPICS.clients.name];
