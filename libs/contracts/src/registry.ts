import { ClassConstructor } from 'class-transformer';
import { AgencyRegisteredV1 } from './events/agency.events';
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
