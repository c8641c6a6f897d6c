import { UseFilters } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { EventOf, PlatformEvent } from '@umbrella/contracts';
import { Inbox, InboxEventType } from './inbox';
import { InboxErrorFilter } from './inbox-error.filter';
import { InboxBatchContext, InboxContext } from './inbox.context';

/** The pattern of a handler that applies many of an inbox's events at once (a projection's batch path). */
export const EVENT_BATCH_PATTERN = 'EventBatch';

type EventMethod<K extends PlatformEvent['type']> = (event: EventOf<K>, context: InboxContext) => Promise<void>;

/**
 * `@EventPattern` for the platform's events: the handler runs for each event of these types that
 * the inbox's consumer group receives, with `@Payload()` the event (latest version) and `@Ctx()`
 * an InboxContext. The compiler checks that the types are ones the inbox reads and that the
 * method takes exactly their events. The handler's errors reach the inbox as thrown (InboxErrorFilter),
 * bound here rather than globally: Nest builds a handler's filters when it registers it, before a
 * global filter of the transport could be set.
 */
export function OnEvent<I extends Inbox, K extends InboxEventType<I>>(types: K | readonly K[], inbox: I) {
  return <M extends EventMethod<K>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>): void => {
    EventPattern([types].flat(), inbox.transportId)(target, key, descriptor);
    UseFilters(InboxErrorFilter)(target, key, descriptor);
  };
}

type BatchMethod<E extends PlatformEvent> = (events: readonly E[], context: InboxBatchContext) => Promise<void>;

/**
 * A projection's batch path: the events of one fetch that have `@OnEvent` handlers, applied in
 * order in one transaction. It must give what the per-event handlers give, event by event — they
 * remain what a failed batch falls back to.
 */
export function OnEventBatch<I extends Inbox>(inbox: I) {
  return <M extends BatchMethod<NonNullable<I['events']>>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>): void => {
    EventPattern(EVENT_BATCH_PATTERN, inbox.transportId)(target, key, descriptor);
    UseFilters(InboxErrorFilter)(target, key, descriptor);
  };
}
