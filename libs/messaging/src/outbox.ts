import { randomUUID } from 'node:crypto';
import { Actor, contractOf, EventData, EventEnvelope, EventOf, EventType, findContract, isEventType, parseEvent, Producer } from '@umbrella/contracts';
import { EntityManager } from 'typeorm';

/** What a producer says about a new event; the version, key, id and time are the platform's to set. */
export interface NewEvent<K extends EventType> {
  readonly type: K;
  readonly data: EventData<K>;
  readonly producer: Producer;
  readonly correlationId?: string;
  readonly causationId?: string | null;
  readonly actor?: Actor;
  readonly agreementVersion?: string;
  readonly occurredAt?: Date;
}

export class ContractViolation extends Error {
  constructor(
    readonly type: string,
    readonly errors: string[],
  ) {
    super(`event ${type} breaks its contract: ${errors.join('; ')}`);
    this.name = 'ContractViolation';
  }
}

/**
 * Builds the envelope of a new event of the latest version of its type: only a contract's type
 * with that type's data compiles. The key comes from the contract, and the event is validated
 * strictly (no undeclared field, so no stray personal data) before it can be stored.
 */
export function newEvent<K extends EventType>(event: NewEvent<K>): EventOf<K> {
  // only a caller that bypassed the compiler gets here with an unknown type
  if (!isEventType(event.type)) throw new ContractViolation(String(event.type), [`no contract for ${String(event.type)}`]);
  const contract = contractOf(event.type);
  const envelope: EventEnvelope<K, EventData<K>> = { ...envelopeOf(event, contract.schemaVersion, contract.keyOf(event.data)), type: event.type, data: event.data };
  assertValid(envelope);
  return envelope;
}

/**
 * Builds the envelope of an event of any published version, as it was once produced: tests
 * replay superseded versions with it. Services publish with `newEvent`.
 */
export function eventOfVersion(event: Omit<NewEvent<EventType>, 'type' | 'data'> & { readonly type: string; readonly schemaVersion: number; readonly data: object }): EventEnvelope<string, object> {
  const contract = findContract(event.type, event.schemaVersion);
  if (!contract) throw new ContractViolation(event.type, [`no contract for ${event.type} v${event.schemaVersion}`]);
  const envelope: EventEnvelope<string, object> = { ...envelopeOf(event, event.schemaVersion, contract.keyOf(event.data)), type: event.type, data: event.data };
  assertValid(envelope);
  return envelope;
}

function envelopeOf(event: Omit<NewEvent<EventType>, 'type' | 'data'>, schemaVersion: number, key: string): Omit<EventEnvelope, 'type' | 'data'> {
  const eventId = randomUUID();
  return {
    eventId,
    schemaVersion,
    occurredAt: (event.occurredAt ?? new Date()).toISOString(),
    producer: event.producer,
    correlationId: event.correlationId ?? eventId,
    causationId: event.causationId ?? null,
    key,
    ...(event.agreementVersion ? { agreementVersion: event.agreementVersion } : {}),
    ...(event.actor ? { actor: event.actor } : {}),
  };
}

function assertValid(envelope: EventEnvelope): void {
  const checked = parseEvent(JSON.parse(JSON.stringify(envelope)), { strict: true });
  if (!checked.ok) throw new ContractViolation(envelope.type, checked.errors);
}

/** Where to publish an event: its contract's topic. */
export function topicOf(event: EventEnvelope): string {
  const contract = findContract(event.type, event.schemaVersion);
  if (!contract) throw new ContractViolation(event.type, ['no contract']);
  return contract.topic.name;
}

/**
 * Appends events to the transactional outbox. Call it with the EntityManager of the transaction
 * that changes state, so the change and its events commit (or roll back) together.
 */
export async function appendToOutbox(tx: EntityManager, events: readonly EventEnvelope[]): Promise<void> {
  if (events.length === 0) return;
  if (!tx.queryRunner?.isTransactionActive) {
    throw new Error('appendToOutbox must be called inside the transaction that changes state');
  }
  const values: unknown[] = [];
  const rows = events.map((event, i) => {
    values.push(event.eventId, topicOf(event), event.key, event.type, JSON.stringify(event));
    const p = i * 5;
    return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}::jsonb)`;
  });
  await tx.query(`INSERT INTO outbox (event_id, topic, message_key, event_type, envelope) VALUES ${rows.join(', ')}`, values);
}
