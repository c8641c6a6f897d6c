import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { AgencyEvent, EventOf, TOPICS } from '@umbrella/contracts';
import { defineInbox, InboxContext, OnEvent } from '@umbrella/messaging';

export const AGENCIES_INBOX = defineInbox<AgencyEvent>('client-journey.agencies', [TOPICS.agencies.name]);

/** client-journey's copy of the directory: consent may only name an agency that exists. */
@Controller()
export class KnownAgenciesMessageController {
  @OnEvent('AgencyRegistered', AGENCIES_INBOX)
  async onAgencyRegistered(@Payload() event: EventOf<'AgencyRegistered'>, @Ctx() { tx }: InboxContext): Promise<void> {
    await tx.query(
      `INSERT INTO known_agency (agency_id, updated_at) VALUES ($1, $2)
       ON CONFLICT (agency_id) DO UPDATE SET updated_at = GREATEST(known_agency.updated_at, EXCLUDED.updated_at)`,
      [event.data.agencyId, event.occurredAt],
    );
  }
}
