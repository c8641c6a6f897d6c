import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { EventOf } from '@umbrella/contracts';
import { InboxContext, OnEvent } from '@umbrella/messaging';
import { REFERRAL_INBOX } from '../../referral.inbox';
import { CancelOnConsentWithdrawnHandler } from './cancel-on-consent-withdrawn.handler';

@Controller()
export class CancelOnConsentWithdrawnMessageController {
  constructor(private readonly handler: CancelOnConsentWithdrawnHandler) {}

  @OnEvent('ConsentWithdrawn', REFERRAL_INBOX)
  async onConsentWithdrawn(@Payload() event: EventOf<'ConsentWithdrawn'>, @Ctx() { tx }: InboxContext): Promise<void> {
    await this.handler.execute(event, tx);
  }
}
