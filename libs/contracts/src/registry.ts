import { ClassConstructor } from 'class-transformer';
import { AgencyRegisteredV1 } from './events/agency.events';
import {
  AgencyUpdatedV1,
  AgreementSignatureSuspendedV1,
  AgreementSignedV1,
  ServiceCapacityChangedV1,
  ServiceOfferedV1,
  ServiceUpdatedV1,
  ServiceWithdrawnV1,
} from './events/directory.events';
import { ClientErasedV1, ClientRegisteredV1, ConsentGivenV1, ConsentWithdrawnV1, KeyWorkerAssignedV1, MilestoneRecordedV1 } from './events/client.events';
import {
  AgreementDecisionRecordedV1,
  AgreementPublishedV1,
  ClaimGrantedV1,
  ClaimReleasedV1,
  LeadHandedOverV1,
  OutcomeCreditedV1,
  ReferralRequestedV1,
  ReferralRequestedV2,
  ReferralTransitionV1,
} from './events/referral.events';
import { ReferralFactV1 } from './events/reporting.events';
import { EventEnvelope, EventEnvelopeDto } from './envelope';
import { TOPICS, TopicDefinition } from './topics';
import { Validated, validatePlain } from './validation';

/** One published version of one event type. A published version never changes shape. */
export interface EventContract<TData extends object = object> {
  readonly type: string;
  readonly schemaVersion: number;
  readonly topic: TopicDefinition;
  readonly data: ClassConstructor<TData>;
  /** Derives the message key from the payload, so a producer cannot key an event wrongly. */
  readonly keyOf: (data: TData) => string;
  readonly description: string;
}

function contract<TData extends object>(c: EventContract<TData>): EventContract<TData> {
  return c;
}

export const EVENT_CONTRACTS = [
  contract({
    type: 'ReferralRequested',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ReferralRequestedV1,
    keyOf: (d) => d.clientId,
    description: 'An agency asked another agency to work with a client in one domain of support.',
  }),
  contract({
    type: 'AgencyRegistered',
    schemaVersion: 1,
    topic: TOPICS.agencies,
    data: AgencyRegisteredV1,
    keyOf: (d) => d.agencyId,
    description: 'An agency joined the partnership directory.',
  }),
  // referral lifecycle, claims and decisions
  contract({
    type: 'ReferralRequested',
    schemaVersion: 2,
    topic: TOPICS.referrals,
    data: ReferralRequestedV2,
    keyOf: (d) => d.clientId,
    description: 'An agency asked another agency to work with a client in one domain; with the answer deadline (UA-8), waitlist (UA-7) and lead handover.',
  }),
  contract({
    type: 'ReferralAccepted',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ReferralTransitionV1,
    keyOf: (d) => d.clientId,
    description: 'The receiving agency accepted the referral; it now holds a claim in the domain.',
  }),
  contract({
    type: 'ReferralRejected',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ReferralTransitionV1,
    keyOf: (d) => d.clientId,
    description: 'The receiving agency declined the referral, with a structured reason.',
  }),
  contract({
    type: 'ReferralStarted',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ReferralTransitionV1,
    keyOf: (d) => d.clientId,
    description: 'The receiving agency started working with the client.',
  }),
  contract({
    type: 'ReferralPaused',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ReferralTransitionV1,
    keyOf: (d) => d.clientId,
    description: 'Work on the referral is paused.',
  }),
  contract({
    type: 'ReferralResumed',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ReferralTransitionV1,
    keyOf: (d) => d.clientId,
    description: 'Work on the referral resumed.',
  }),
  contract({
    type: 'ReferralCompleted',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ReferralTransitionV1,
    keyOf: (d) => d.clientId,
    description: 'The referral was completed.',
  }),
  contract({
    type: 'ReferralFailed',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ReferralTransitionV1,
    keyOf: (d) => d.clientId,
    description: 'The referral ended without the service being delivered.',
  }),
  contract({
    type: 'ReferralCancelled',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ReferralTransitionV1,
    keyOf: (d) => d.clientId,
    description: 'The referral was cancelled by either agency, or because consent was withdrawn.',
  }),
  contract({
    type: 'ReferralExpired',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ReferralTransitionV1,
    keyOf: (d) => d.clientId,
    description: 'The receiving agency did not answer within the response window (UA-8).',
  }),
  contract({
    type: 'ReferralEnteredInError',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ReferralTransitionV1,
    keyOf: (d) => d.clientId,
    description: 'The referral was a mistake; it stays on record, marked entered-in-error.',
  }),
  contract({
    type: 'ClaimGranted',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ClaimGrantedV1,
    keyOf: (d) => d.clientId,
    description: 'An agency now holds a claim on the client in a domain (UA-4).',
  }),
  contract({
    type: 'ClaimReleased',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ClaimReleasedV1,
    keyOf: (d) => d.clientId,
    description: 'A claim ended: handed over, its referral closed, or released by its holder (UA-9).',
  }),
  contract({
    type: 'LeadHandedOver',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: LeadHandedOverV1,
    keyOf: (d) => d.clientId,
    description: "The client's lead agency changed by handover (UA-3, UA-9).",
  }),
  contract({
    type: 'AgreementDecisionRecorded',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: AgreementDecisionRecordedV1,
    keyOf: (d) => d.clientId,
    description: 'A decision of the agreement engine, allowed or refused, with its rule and agreement version.',
  }),
  contract({
    type: 'OutcomeCredited',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: OutcomeCreditedV1,
    keyOf: (d) => d.clientId,
    description: 'An outcome credited to exactly one agency, with the agencies that contributed (UA-10).',
  }),
  contract({
    type: 'AgreementPublished',
    schemaVersion: 1,
    topic: TOPICS.agreements,
    data: AgreementPublishedV1,
    keyOf: (d) => d.agreementId,
    description: 'A coordinator published a version of the umbrella agreement; it is the active version from now on.',
  }),
  // agency-directory
  contract({
    type: 'AgencyUpdated',
    schemaVersion: 1,
    topic: TOPICS.agencies,
    data: AgencyUpdatedV1,
    keyOf: (d) => d.agencyId,
    description: "An agency's profile changed.",
  }),
  contract({
    type: 'ServiceOffered',
    schemaVersion: 1,
    topic: TOPICS.agencies,
    data: ServiceOfferedV1,
    keyOf: (d) => d.agencyId,
    description: 'An agency offers a new service, with the needs it addresses, its eligibility and capacity.',
  }),
  contract({
    type: 'ServiceUpdated',
    schemaVersion: 1,
    topic: TOPICS.agencies,
    data: ServiceUpdatedV1,
    keyOf: (d) => d.agencyId,
    description: 'A service changed (status, eligibility, needs, areas or capacity): the full new snapshot.',
  }),
  contract({
    type: 'ServiceWithdrawn',
    schemaVersion: 1,
    topic: TOPICS.agencies,
    data: ServiceWithdrawnV1,
    keyOf: (d) => d.agencyId,
    description: 'An agency no longer offers a service.',
  }),
  contract({
    type: 'ServiceCapacityChanged',
    schemaVersion: 1,
    topic: TOPICS.agencies,
    data: ServiceCapacityChangedV1,
    keyOf: (d) => d.agencyId,
    description: "A service's available places (and whether it keeps a waitlist) changed.",
  }),
  contract({
    type: 'AgreementSigned',
    schemaVersion: 1,
    topic: TOPICS.agencies,
    data: AgreementSignedV1,
    keyOf: (d) => d.agencyId,
    description: 'An agency signed a version of the umbrella agreement (UA-1).',
  }),
  contract({
    type: 'AgreementSignatureSuspended',
    schemaVersion: 1,
    topic: TOPICS.agencies,
    data: AgreementSignatureSuspendedV1,
    keyOf: (d) => d.agencyId,
    description: "A coordinator suspended an agency's signature of a version of the agreement.",
  }),
  // client-journey
  contract({
    type: 'ClientRegistered',
    schemaVersion: 1,
    topic: TOPICS.clients,
    data: ClientRegisteredV1,
    keyOf: (d) => d.clientId,
    description: 'A caseworker registered a client; carries derived attributes only (age band, under 25, region), never personal data.',
  }),
  contract({
    type: 'ConsentGiven',
    schemaVersion: 1,
    topic: TOPICS.clients,
    data: ConsentGivenV1,
    keyOf: (d) => d.clientId,
    description: 'The client consented to sharing with one agency or one domain of support, for a purpose (UA-2).',
  }),
  contract({
    type: 'ConsentWithdrawn',
    schemaVersion: 1,
    topic: TOPICS.clients,
    data: ConsentWithdrawnV1,
    keyOf: (d) => d.clientId,
    description: 'A consent ended (the client withdrew it, or was erased); what it no longer covers must stop (UA-2).',
  }),
  contract({
    type: 'KeyWorkerAssigned',
    schemaVersion: 1,
    topic: TOPICS.clients,
    data: KeyWorkerAssignedV1,
    keyOf: (d) => d.clientId,
    description: "A caseworker became the client's key worker; their agency is the lead agency (UA-3).",
  }),
  contract({
    type: 'MilestoneRecorded',
    schemaVersion: 1,
    topic: TOPICS.clients,
    data: MilestoneRecordedV1,
    keyOf: (d) => d.clientId,
    description: 'A barrier, training, job entry, sustained employment or leaving step, credited to the lead agency at the time (UA-10).',
  }),
  contract({
    type: 'ClientErased',
    schemaVersion: 1,
    topic: TOPICS.clients,
    data: ClientErasedV1,
    keyOf: (d) => d.clientId,
    description: "The client's personal data was destroyed on request; their pseudonymous history stays valid for reporting.",
  }),
  // reporting
  contract({
    type: 'ReferralFactRecorded',
    schemaVersion: 1,
    topic: TOPICS.referralFacts,
    data: ReferralFactV1,
    keyOf: (d) => d.referralId,
    description: 'A referral as it stands after one step of its lifecycle, denormalised for analysts; no client id, no personal data.',
  }),
] as readonly EventContract[];

export function findContract(type: string, schemaVersion: number): EventContract | undefined {
  return EVENT_CONTRACTS.find((c) => c.type === type && c.schemaVersion === schemaVersion);
}

/**
 * Validates a raw message: the envelope, then the payload against its contract, then that the
 * key is the one the contract derives. Tolerant of unknown fields on the way in.
 */
export function parseEvent(raw: unknown, options = { strict: false }): Validated<EventEnvelope & { data: object }> {
  const envelope = validatePlain(EventEnvelopeDto, raw, options);
  if (!envelope.ok) return envelope;
  const { type, schemaVersion } = envelope.value;
  const found = findContract(type, schemaVersion);
  if (!found) return { ok: false, errors: [`type: unknown event ${type} v${schemaVersion}`] };
  const data = validatePlain(found.data, envelope.value.data, options);
  if (!data.ok) return { ok: false, errors: data.errors.map((e) => `data.${e}`) };
  const expectedKey = found.keyOf(data.value);
  if (envelope.value.key !== expectedKey) {
    return { ok: false, errors: [`key: must be ${found.topic.keyedBy} of the payload (${expectedKey})`] };
  }
  return { ok: true, value: { ...envelope.value, data: data.value } };
}

/** Turns an event of a superseded version into the next version's shape. */
export interface Upcaster {
  readonly type: string;
  readonly from: number;
  readonly to: number;
  readonly up: (data: Record<string, unknown>, envelope: EventEnvelope) => Record<string, unknown>;
}

export const UPCASTERS: readonly Upcaster[] = [
  {
    // v1 was published before the agreement set deadlines: it had the default two-day window, no waitlist, no handover.
    type: 'ReferralRequested',
    from: 1,
    to: 2,
    up: (data) => ({
      ...data,
      respondBy: new Date(Date.parse(String(data.requestedAt)) + 2 * 24 * 3600 * 1000).toISOString(),
      waitlisted: false,
      handsOverLead: false,
    }),
  },
];

export function latestVersion(type: string): number {
  return Math.max(0, ...EVENT_CONTRACTS.filter((c) => c.type === type).map((c) => c.schemaVersion));
}

/** Brings an event to the latest version of its type, so consumers handle one shape per type. */
export function upcast<T extends EventEnvelope>(event: T): T {
  let current: EventEnvelope = event;
  for (;;) {
    const step = UPCASTERS.find((u) => u.type === current.type && u.from === current.schemaVersion);
    if (!step) return current as T;
    current = { ...current, schemaVersion: step.to, data: step.up(current.data as Record<string, unknown>, current) };
  }
}
