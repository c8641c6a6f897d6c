import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { EventOf } from '@umbrella/contracts';
import { InboxContext, OnEvent } from '@umbrella/messaging';
import { REFERRAL_INBOX } from '../../referral.inbox';
import { CreditOutcomeHandler } from './credit-outcome.handler';

@Controller()
export class CreditOutcomeMessageController {
  constructor(private readonly handler: CreditOutcomeHandler) {}

  @OnEvent('MilestoneRecorded', REFERRAL_INBOX)
  async onMilestoneRecorded(@Payload() event: EventOf<'MilestoneRecorded'>, @Ctx() { tx }: InboxContext): Promise<void> {
    await this.handler.execute(event, tx);
  }
}
