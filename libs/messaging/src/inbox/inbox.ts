import { EventType, PlatformEvent } from '@umbrella/contracts';

/**
 * One consumer group: its name (the Kafka group id and the consumer's name in the inbox table),
 * the topics it reads, and the events it handles (a phantom type: `@OnEvent` handlers of the inbox
 * may only name these). Its transport id ties `@OnEvent` handlers to the one transport strategy
 * that serves this group, so a service with two groups keeps their handlers apart.
 */
export interface Inbox<E extends PlatformEvent = PlatformEvent> {
  readonly name: string;
  readonly topics: readonly string[];
  readonly transportId: symbol;
  /** Never set: carries the union of events the group reads, for the compiler only. */
  readonly events?: E;
}

export function defineInbox<E extends PlatformEvent>(name: string, topics: readonly string[]): Inbox<E> {
  return { name, topics, transportId: Symbol(name) };
}

/** The event types an inbox reads. */
export type InboxEventType<I> = I extends Inbox<infer E> ? E['type'] & EventType : never;
