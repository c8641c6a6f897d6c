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
import { EventDataByType, EventOf, EventType, PlatformEvent } from './events';
import { TOPICS, TopicDefinition } from './topics';
import { Validated, ValidateOptions, validatePlain } from './validation';

/** One published version of one event type. A published version never changes shape. */
export interface EventContract<TData extends object = object> {
  readonly type: string;
  readonly schemaVersion: number;
  readonly topic: TopicDefinition;
  readonly data: ClassConstructor<TData>;
  /** Derives the message key from the payload, so a producer cannot key an event wrongly. */
  keyOf(data: TData): string;
  readonly description: string;
}

/**
 * A version an event type has moved on from: how to read it, and its upcaster to the next
 * version, composed up to the latest. Consumers only ever see the latest shape.
 */
export interface SupersededVersion<TLatest extends object> {
  readonly contract: EventContract;
  /** Validates data of this version and brings it to the latest version. */
  readonly read: (data: unknown, envelope: EventEnvelope, options: ValidateOptions) => Validated<TLatest>;
}

/** The contract of one event type: its latest version, and the versions it superseded. */
export interface TypeContract<K extends EventType> extends EventContract<EventDataByType[K]> {
  readonly type: K;
  readonly superseded: readonly SupersededVersion<EventDataByType[K]>[];
}

type LatestContract<K extends EventType> = Omit<TypeContract<K>, 'superseded'> & { readonly superseded?: readonly SupersededVersion<EventDataByType[K]>[] };

function latest<K extends EventType>(c: LatestContract<K>): TypeContract<K> {
  return { ...c, superseded: c.superseded ?? [] };
}

/** A superseded version with its typed upcaster to the next version (composed to the latest by the caller). */
function superseded<TOld extends object, TLatest extends object>(
  contract: EventContract<TOld>,
  up: (data: TOld, envelope: EventEnvelope) => TLatest,
): SupersededVersion<TLatest> {
  return {
    contract,
    read: (data, envelope, options) => {
      const old = validatePlain(contract.data, data, options);
      return old.ok ? { ok: true, value: up(old.value, envelope) } : old;
    },
  };
}

/** ReferralRequested v1 was published before the agreement set deadlines: the default two-day window, no waitlist, no handover. */
export function referralRequestedV1ToV2(v1: ReferralRequestedV1): ReferralRequestedV2 {
  return {
    referralId: v1.referralId,
    clientId: v1.clientId,
    fromAgencyId: v1.fromAgencyId,
    toAgencyId: v1.toAgencyId,
    domain: v1.domain,
    ...(v1.serviceId !== undefined ? { serviceId: v1.serviceId } : {}),
    requestedAt: v1.requestedAt,
    respondBy: new Date(Date.parse(v1.requestedAt) + 2 * 24 * 3600 * 1000).toISOString(),
    waitlisted: false,
    handsOverLead: false,
  };
}

const byClient = (d: { clientId: string }) => d.clientId;
const byAgency = (d: { agencyId: string }) => d.agencyId;

/**
 * Every event type of the platform, keyed by type: the compiler checks that each entry's class is
 * the data of that type's latest version. Listed by topic, in the order the catalogue shows them.
 */
export const CONTRACTS: { readonly [K in EventType]: TypeContract<K> } = {
  // referral lifecycle, claims and decisions
  ReferralRequested: latest({
    type: 'ReferralRequested',
    schemaVersion: 2,
    topic: TOPICS.referrals,
    data: ReferralRequestedV2,
    keyOf: byClient,
    description: 'An agency asked another agency to work with a client in one domain; with the answer deadline (UA-8), waitlist (UA-7) and lead handover.',
    superseded: [
      superseded(
        {
          type: 'ReferralRequested',
          schemaVersion: 1,
          topic: TOPICS.referrals,
          data: ReferralRequestedV1,
          keyOf: byClient,
          description: 'An agency asked another agency to work with a client in one domain of support.',
        },
        referralRequestedV1ToV2,
      ),
    ],
  }),
  ReferralAccepted: latest({
    type: 'ReferralAccepted',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ReferralTransitionV1,
    keyOf: byClient,
    description: 'The receiving agency accepted the referral; it now holds a claim in the domain.',
  }),
  ReferralRejected: latest({
    type: 'ReferralRejected',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ReferralTransitionV1,
    keyOf: byClient,
    description: 'The receiving agency declined the referral, with a structured reason.',
  }),
  ReferralStarted: latest({
    type: 'ReferralStarted',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ReferralTransitionV1,
    keyOf: byClient,
    description: 'The receiving agency started working with the client.',
  }),
  ReferralPaused: latest({
    type: 'ReferralPaused',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ReferralTransitionV1,
    keyOf: byClient,
    description: 'Work on the referral is paused.',
  }),
  ReferralResumed: latest({
    type: 'ReferralResumed',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ReferralTransitionV1,
    keyOf: byClient,
    description: 'Work on the referral resumed.',
  }),
  ReferralCompleted: latest({
    type: 'ReferralCompleted',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ReferralTransitionV1,
    keyOf: byClient,
    description: 'The referral was completed.',
  }),
  ReferralFailed: latest({
    type: 'ReferralFailed',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ReferralTransitionV1,
    keyOf: byClient,
    description: 'The referral ended without the service being delivered.',
  }),
  ReferralCancelled: latest({
    type: 'ReferralCancelled',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ReferralTransitionV1,
    keyOf: byClient,
    description: 'The referral was cancelled by either agency, or because consent was withdrawn.',
  }),
  ReferralExpired: latest({
    type: 'ReferralExpired',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ReferralTransitionV1,
    keyOf: byClient,
    description: 'The receiving agency did not answer within the response window (UA-8).',
  }),
  ReferralEnteredInError: latest({
    type: 'ReferralEnteredInError',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ReferralTransitionV1,
    keyOf: byClient,
    description: 'The referral was a mistake; it stays on record, marked entered-in-error.',
  }),
  ClaimGranted: latest({
    type: 'ClaimGranted',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ClaimGrantedV1,
    keyOf: byClient,
    description: 'An agency now holds a claim on the client in a domain (UA-4).',
  }),
  ClaimReleased: latest({
    type: 'ClaimReleased',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: ClaimReleasedV1,
    keyOf: byClient,
    description: 'A claim ended: handed over, its referral closed, or released by its holder (UA-9).',
  }),
  LeadHandedOver: latest({
    type: 'LeadHandedOver',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: LeadHandedOverV1,
    keyOf: byClient,
    description: "The client's lead agency changed by handover (UA-3, UA-9).",
  }),
  AgreementDecisionRecorded: latest({
    type: 'AgreementDecisionRecorded',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: AgreementDecisionRecordedV1,
    keyOf: byClient,
    description: 'A decision of the agreement engine, allowed or refused, with its rule and agreement version.',
  }),
  OutcomeCredited: latest({
    type: 'OutcomeCredited',
    schemaVersion: 1,
    topic: TOPICS.referrals,
    data: OutcomeCreditedV1,
    keyOf: byClient,
    description: 'An outcome credited to exactly one agency, with the agencies that contributed (UA-10).',
  }),
  // agreements
  AgreementPublished: latest({
    type: 'AgreementPublished',
    schemaVersion: 1,
    topic: TOPICS.agreements,
    data: AgreementPublishedV1,
    keyOf: (d) => d.agreementId,
    description: 'A coordinator published a version of the umbrella agreement; it is the active version from now on.',
  }),
  // agency-directory
  AgencyRegistered: latest({
    type: 'AgencyRegistered',
    schemaVersion: 1,
    topic: TOPICS.agencies,
    data: AgencyRegisteredV1,
    keyOf: byAgency,
    description: 'An agency joined the partnership directory.',
  }),
  AgencyUpdated: latest({
    type: 'AgencyUpdated',
    schemaVersion: 1,
    topic: TOPICS.agencies,
    data: AgencyUpdatedV1,
    keyOf: byAgency,
    description: "An agency's profile changed.",
  }),
  ServiceOffered: latest({
    type: 'ServiceOffered',
    schemaVersion: 1,
    topic: TOPICS.agencies,
    data: ServiceOfferedV1,
    keyOf: byAgency,
    description: 'An agency offers a new service, with the needs it addresses, its eligibility and capacity.',
  }),
  ServiceUpdated: latest({
    type: 'ServiceUpdated',
    schemaVersion: 1,
    topic: TOPICS.agencies,
    data: ServiceUpdatedV1,
    keyOf: byAgency,
    description: 'A service changed (status, eligibility, needs, areas or capacity): the full new snapshot.',
  }),
  ServiceWithdrawn: latest({
    type: 'ServiceWithdrawn',
    schemaVersion: 1,
    topic: TOPICS.agencies,
    data: ServiceWithdrawnV1,
    keyOf: byAgency,
    description: 'An agency no longer offers a service.',
  }),
  ServiceCapacityChanged: latest({
    type: 'ServiceCapacityChanged',
    schemaVersion: 1,
    topic: TOPICS.agencies,
    data: ServiceCapacityChangedV1,
    keyOf: byAgency,
    description: "A service's available places (and whether it keeps a waitlist) changed.",
  }),
  AgreementSigned: latest({
    type: 'AgreementSigned',
    schemaVersion: 1,
    topic: TOPICS.agencies,
    data: AgreementSignedV1,
    keyOf: byAgency,
    description: 'An agency signed a version of the umbrella agreement (UA-1).',
  }),
  AgreementSignatureSuspended: latest({
    type: 'AgreementSignatureSuspended',
    schemaVersion: 1,
    topic: TOPICS.agencies,
    data: AgreementSignatureSuspendedV1,
    keyOf: byAgency,
    description: "A coordinator suspended an agency's signature of a version of the agreement.",
  }),
  // client-journey
  ClientRegistered: latest({
    type: 'ClientRegistered',
    schemaVersion: 1,
    topic: TOPICS.clients,
    data: ClientRegisteredV1,
    keyOf: byClient,
    description: 'A caseworker registered a client; carries derived attributes only (age band, under 25, region), never personal data.',
  }),
  ConsentGiven: latest({
    type: 'ConsentGiven',
    schemaVersion: 1,
    topic: TOPICS.clients,
    data: ConsentGivenV1,
    keyOf: byClient,
    description: 'The client consented to sharing with one agency or one domain of support, for a purpose (UA-2).',
  }),
  ConsentWithdrawn: latest({
    type: 'ConsentWithdrawn',
    schemaVersion: 1,
    topic: TOPICS.clients,
    data: ConsentWithdrawnV1,
    keyOf: byClient,
    description: 'A consent ended (the client withdrew it, or was erased); what it no longer covers must stop (UA-2).',
  }),
  KeyWorkerAssigned: latest({
    type: 'KeyWorkerAssigned',
    schemaVersion: 1,
    topic: TOPICS.clients,
    data: KeyWorkerAssignedV1,
    keyOf: byClient,
    description: "A caseworker became the client's key worker; their agency is the lead agency (UA-3).",
  }),
  MilestoneRecorded: latest({
    type: 'MilestoneRecorded',
    schemaVersion: 1,
    topic: TOPICS.clients,
    data: MilestoneRecordedV1,
    keyOf: byClient,
    description: 'A barrier, training, job entry, sustained employment or leaving step, credited to the lead agency at the time (UA-10).',
  }),
  ClientErased: latest({
    type: 'ClientErased',
    schemaVersion: 1,
    topic: TOPICS.clients,
    data: ClientErasedV1,
    keyOf: byClient,
    description: "The client's personal data was destroyed on request; their pseudonymous history stays valid for reporting.",
  }),
  // reporting
  ReferralFactRecorded: latest({
    type: 'ReferralFactRecorded',
    schemaVersion: 1,
    topic: TOPICS.referralFacts,
    data: ReferralFactV1,
    keyOf: (d) => d.referralId,
    description: 'A referral as it stands after one step of its lifecycle, denormalised for analysts; no client id, no personal data.',
  }),
};

/** Every published version, superseded ones first within a type: what the catalogue and schema lock list. */
export const EVENT_CONTRACTS: readonly EventContract[] = Object.values(CONTRACTS).flatMap((c: TypeContract<EventType>): EventContract[] => [...c.superseded.map((s) => s.contract), c]);

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(CONTRACTS, type);
}

export function contractOf<K extends EventType>(type: K): TypeContract<K> {
  return CONTRACTS[type];
}

export function findContract(type: string, schemaVersion: number): EventContract | undefined {
  return EVENT_CONTRACTS.find((c) => c.type === type && c.schemaVersion === schemaVersion);
}

export function latestVersion(type: string): number {
  return isEventType(type) ? CONTRACTS[type].schemaVersion : 0;
}

/**
 * Validates a raw message — the envelope, then the payload against the contract of its type and
 * version, then that the key is the one the contract derives — and brings a superseded version to
 * the latest, so consumers handle one shape per type. Tolerant of unknown fields on the way in.
 */
export function parseEvent(raw: unknown, options: ValidateOptions = { strict: false }): Validated<PlatformEvent> {
  const envelope = validatePlain(EventEnvelopeDto, raw, options);
  if (!envelope.ok) return envelope;
  const { type, schemaVersion } = envelope.value;
  if (!isEventType(type)) return { ok: false, errors: [`type: unknown event ${type} v${schemaVersion}`] };
  return readAs(type, envelope.value, options);
}

function readAs<K extends EventType>(type: K, envelope: EventEnvelopeDto, options: ValidateOptions): Validated<EventOf<K>> {
  const contract = contractOf(type);
  const older = contract.superseded.find((s) => s.contract.schemaVersion === envelope.schemaVersion);
  if (envelope.schemaVersion !== contract.schemaVersion && !older) return { ok: false, errors: [`type: unknown event ${type} v${envelope.schemaVersion}`] };
  const data = older ? older.read(envelope.data, envelope, options) : validatePlain(contract.data, envelope.data, options);
  if (!data.ok) return { ok: false, errors: data.errors.map((e) => `data.${e}`) };
  const expectedKey = contract.keyOf(data.value);
  if (envelope.key !== expectedKey) return { ok: false, errors: [`key: must be ${contract.topic.keyedBy} of the payload (${expectedKey})`] };
  const event: EventEnvelope<K, EventDataByType[K]> = {
    eventId: envelope.eventId,
    type,
    schemaVersion: contract.schemaVersion,
    occurredAt: envelope.occurredAt,
    producer: envelope.producer,
    correlationId: envelope.correlationId,
    causationId: envelope.causationId ?? null,
    key: envelope.key,
    ...(envelope.agreementVersion !== undefined ? { agreementVersion: envelope.agreementVersion } : {}),
    ...(envelope.actor !== undefined ? { actor: envelope.actor } : {}),
    data: data.value,
  };
  return { ok: true, value: event };
}
