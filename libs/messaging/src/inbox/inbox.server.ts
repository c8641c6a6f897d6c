import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { isEventType, PlatformEvent } from '@umbrella/contracts';
import { lastValueFrom } from 'rxjs';
import { EntityManager } from 'typeorm';
import { ConsumerHandlers, InboxConsumer, InboxConsumerOptions, MessageSource } from '../inbox-consumer';
import { Inbox } from './inbox';
import { InboxBatchContext, InboxContext } from './inbox.context';
import { EVENT_BATCH_PATTERN } from './on-event.decorator';

/**
 * A Nest transport strategy for one consumer group: the idempotent inbox consumer reads the
 * group's topics, and each event goes to the `@OnEvent` handler of its type through Nest — so
 * interceptors, pipes and exception filters apply to messages as to requests. Every guarantee of
 * the inbox holds: the effect and the inbox row in one transaction, batches with a one-by-one
 * fallback, bounded retries, dead letters with the reason, waiting out a database outage, and a
 * graceful close.
 */
/** Where the strategy gets its consumer: the service's Messaging, which starts it once the database and topics are ready. */
export interface ConsumerRegistry {
  registerConsumer(options: InboxConsumerOptions): InboxConsumer;
}

export class InboxServer extends Server implements CustomTransportStrategy {
  private consumer: InboxConsumer | null = null;

  constructor(
    private readonly inbox: Inbox,
    private readonly registry: ConsumerRegistry,
  ) {
    super();
    this.transportId = inbox.transportId;
  }

  /** The consumer, once listening. */
  get inboxConsumer(): InboxConsumer | null {
    return this.consumer;
  }

  /** The event types the group's handlers take, once listening. */
  get handledTypes(): string[] {
    return [...this.getHandlers().keys()].filter(isEventType).sort();
  }

  listen(callback: (...optionalParams: unknown[]) => void): void {
    const handlers: ConsumerHandlers = Object.fromEntries(
      [...this.getHandlers().keys()].filter(isEventType).map((type) => [type, (event: PlatformEvent, tx: EntityManager, source: MessageSource) => this.deliver(type, event, tx, source)]),
    );
    const batch = this.getHandlerByPattern(EVENT_BATCH_PATTERN);
    this.consumer = this.registry.registerConsumer({
      name: this.inbox.name,
      topics: this.inbox.topics,
      handlers,
      ...(batch ? { applyBatch: (events: readonly PlatformEvent[], tx: EntityManager) => this.settle(batch(events, new InboxBatchContext([tx]))) } : {}),
    });
    callback();
  }

  async close(): Promise<void> {
    await this.consumer?.stop();
  }

  on(): never {
    throw new Error('an inbox emits no transport events to listen to');
  }

  unwrap<T>(): T {
    throw new Error('an inbox wraps no native client');
  }

  private async deliver(type: string, event: PlatformEvent, tx: EntityManager, source: MessageSource): Promise<void> {
    const handler: MessageHandler | null = this.getHandlerByPattern(type);
    if (!handler) throw new Error(`no handler for ${type} in ${this.inbox.name}`);
    await this.settle(handler(event, new InboxContext([tx, event, source])));
  }

  /** Waits for a handler's result, whatever Nest made of it (a promise, a value, an observable), and surfaces its error. */
  private async settle(result: Promise<unknown>): Promise<void> {
    await lastValueFrom(this.transformToObservable(await result), { defaultValue: undefined });
  }
}
