import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { AgreementEvent, EventOf, TOPICS } from '@umbrella/contracts';
import { defineInbox, InboxContext, OnEvent } from '@umbrella/messaging';

/** The directory's consumer group: it reads the published versions of the agreement. */
export const AGREEMENTS_INBOX = defineInbox<AgreementEvent>('agency-directory.agreements', [TOPICS.agreements.name]);

/**
 * The directory's copy of the published versions of the agreement. A version is published once
 * (the referral service refuses a second publication), so the first event of a version is the one
 * kept; a redelivery, or a replay from the beginning of the topic, changes nothing.
 */
@Controller()
export class AgreementVersionsMessageController {
  @OnEvent('AgreementPublished', AGREEMENTS_INBOX)
  async onAgreementPublished(@Payload() event: EventOf<'AgreementPublished'>, @Ctx() { tx }: InboxContext): Promise<void> {
    // the consumer validated the event against its contract before handing it over
    const { version, agreementId, effectiveFrom, publishedAt } = event.data;
    await tx.query(
      `INSERT INTO agreement_version (version, agreement_id, effective_from, published_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (version) DO NOTHING`,
      [version, agreementId, effectiveFrom, publishedAt],
    );
  }
}
