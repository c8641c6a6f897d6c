import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { ClientEvent, EventOf, ReferralEvent, TOPICS } from '@umbrella/contracts';
import { defineInbox, InboxContext, OnEvent } from '@umbrella/messaging';
import { JOURNEY_EVENT_TYPES, JourneyEventType, recordOnJourney } from './journey.projection';

/** One group for both client-scoped topics; a topic added to it is read from its beginning. */
export const TIMELINE_INBOX = defineInbox<ReferralEvent | ClientEvent>('client-journey.timeline', [TOPICS.referrals.name, TOPICS.clients.name]);

/**
 * The journey timeline is a projection of the two client-scoped topics: a new consumer group reads
 * them from the beginning, so it can be rebuilt at any time. Events carry no personal data by
 * contract, so nothing personal can reach the timeline.
 */
@Controller()
export class JourneyMessageController {
  @OnEvent(JOURNEY_EVENT_TYPES, TIMELINE_INBOX)
  async onJourneyEvent(@Payload() event: EventOf<JourneyEventType>, @Ctx() { tx }: InboxContext): Promise<void> {
    await recordOnJourney(event, tx);
  }
}
