import { BaseRpcContext } from '@nestjs/microservices';
import { PlatformEvent } from '@umbrella/contracts';
import { EntityManager } from 'typeorm';
import { MessageSource } from '../inbox-consumer';


/**
 * What a message handler gets besides the event (`@Ctx()`): the transaction its effect must be
 * written in — the inbox row that makes a redelivery harmless commits in the same one — and the
 * envelope's place on the topic.
 */
export class InboxContext extends BaseRpcContext<[EntityManager, PlatformEvent, MessageSource | null]> {
  /** The consumer's transaction: write the event's effect here, never in a transaction of your own. */
  get tx(): EntityManager {
    return this.args[0];
  }

  get event(): PlatformEvent {
    return this.args[1];
  }

  /** Null when the event is applied as part of a batch of several partitions' worth. */
  get source(): MessageSource | null {
    return this.args[2];
  }
}

/** What a batch handler gets besides the events: the consumer's transaction, which all of them share. */
export class InboxBatchContext extends BaseRpcContext<[EntityManager]> {
  get tx(): EntityManager {
    return this.args[0];
  }
}
