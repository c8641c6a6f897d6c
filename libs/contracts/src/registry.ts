import { ClassConstructor } from 'class-transformer';
import { AgencyRegisteredV1 } from './events/agency.events';
import { ClientErasedV1, ClientRegisteredV1, ConsentGivenV1, ConsentWithdrawnV1, KeyWorkerAssignedV1, MilestoneRecordedV1 } from './events/client.events';
import { ReferralRequestedV1 } from './events/referral.events';
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
