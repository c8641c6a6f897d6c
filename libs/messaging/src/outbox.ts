import { randomUUID } from 'node:crypto';
import { Actor, EventEnvelope, findContract, parseEvent, Producer } from '@umbrella/contracts';
import { EntityManager } from 'typeorm';

export interface NewEvent<TData extends object> {
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: TData;
  readonly producer: Producer;
  readonly correlationId?: string;
  readonly causationId?: string | null;
  readonly actor?: Actor;
  readonly agreementVersion?: string;
  readonly occurredAt?: Date;
}

export class ContractViolation extends Error {
  constructor(readonly type: string, readonly errors: string[]) {
    super(`event ${type} breaks its contract: ${errors.join('; ')}`);
    this.name = 'ContractViolation';
  }
}

/**
 * Builds an envelope for a new event; the key comes from the contract, and the event is
 * validated strictly (no undeclared field, so no stray personal data) before it can be stored.
 */
export function newEvent<TData extends object>(event: NewEvent<TData>): EventEnvelope<string, TData> {
  const contract = findContract(event.type, event.schemaVersion);
  if (!contract) throw new ContractViolation(event.type, [`no contract for ${event.type} v${event.schemaVersion}`]);
  const eventId = randomUUID();
  const envelope: EventEnvelope<string, TData> = {
    eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    occurredAt: (event.occurredAt ?? new Date()).toISOString(),
    producer: event.producer,
    correlationId: event.correlationId ?? eventId,
    causationId: event.causationId ?? null,
    key: contract.keyOf(event.data),
    ...(event.agreementVersion ? { agreementVersion: event.agreementVersion } : {}),
    ...(event.actor ? { actor: event.actor } : {}),
    data: event.data,
  };
  const checked = parseEvent(JSON.parse(JSON.stringify(envelope)), { strict: true });
  if (!checked.ok) throw new ContractViolation(event.type, checked.errors);
  return envelope;
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
