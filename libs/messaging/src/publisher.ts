import { Injectable } from '@nestjs/common';
import { PlatformEvent } from '@umbrella/contracts';
import { afterCommit } from '@umbrella/platform';
import { EntityManager } from 'typeorm';
import { Messaging } from './messaging.service';
import { appendToOutbox } from './outbox';

/**
 * The one way a service's writes publish events: the events join the transactional outbox in the
 * transaction that changes the state, and the relay is nudged once that transaction commits.
 * Handlers see this port; the outbox table and the Kafka relay behind it are infrastructure.
 */
export abstract class EventPublisher {
  abstract publish(tx: EntityManager, events: readonly PlatformEvent[]): Promise<void>;
}

@Injectable()
export class OutboxPublisher implements EventPublisher {
  constructor(private readonly messaging: Messaging) {}

  async publish(tx: EntityManager, events: readonly PlatformEvent[]): Promise<void> {
    if (events.length === 0) return;
    await appendToOutbox(tx, events);
    afterCommit(tx, () => this.messaging.relay?.nudge());
  }
}
