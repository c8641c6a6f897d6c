import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { EventOf, TOPICS } from '@umbrella/contracts';
import { defineInbox, dispatch, EventPublisher, InboxBatchContext, InboxContext, OnEvent, OnEventBatch } from '@umbrella/messaging';
import { projectionBatch } from './referral-facts.batch';
import { PROJECTED_EVENT_TYPES, ProjectedEvent, ProjectedEventType, projectionHandlers } from './referral-facts.projection';

/** Reporting's consumer group: the three topics its projections are built from. */
export const REPORTING_INBOX = defineInbox<ProjectedEvent>('reporting.projections', [TOPICS.referrals.name, TOPICS.agencies.name, TOPICS.clients.name]);

/**
 * The reporting projections, fed by their consumer group. Partitions are applied one at a time, as
 * they arrive: a fact carries the agencies' and the client's dimensions as they stand, and applying
 * partitions side by side let a referral's facts overtake its agencies' registration.
 */
@Controller()
export class ProjectionsMessageController {
  private readonly handlers: ReturnType<typeof projectionHandlers>;
  private readonly batch: ReturnType<typeof projectionBatch>;

  constructor(publisher: EventPublisher) {
    this.handlers = projectionHandlers(publisher);
    this.batch = projectionBatch(publisher);
  }

  @OnEvent(PROJECTED_EVENT_TYPES, REPORTING_INBOX)
  async onEvent(@Payload() event: EventOf<ProjectedEventType>, @Ctx() { tx, source }: InboxContext): Promise<void> {
    if (!(await dispatch(this.handlers, event, tx, source ?? undefined))) throw new Error(`reporting projects no ${event.type}`);
  }

  /** The events of one fetch in a handful of statements; the per-event path above is what a failed batch falls back to. */
  @OnEventBatch(REPORTING_INBOX)
  async onBatch(@Payload() events: readonly ProjectedEvent[], @Ctx() { tx }: InboxBatchContext): Promise<void> {
    await this.batch(events, tx);
  }
}
