import { DynamicModule, Module } from '@nestjs/common';
import { serviceInfrastructure } from '@umbrella/messaging';
import { ServiceConfig } from '@umbrella/platform';
import { AgreementStore } from './agreement/agreement.store';
import { ExpireReferralsHandler } from './commands/expire-referrals/expire-referrals.handler';
import { ExpireReferralsScheduler } from './commands/expire-referrals/expire-referrals.scheduler';
import { PublishAgreementHandler } from './commands/publish-agreement/publish-agreement.handler';
import { PublishAgreementHttpController } from './commands/publish-agreement/publish-agreement.http.controller';
import { ReleaseClaimHandler } from './commands/release-claim/release-claim.handler';
import { ReleaseClaimHttpController } from './commands/release-claim/release-claim.http.controller';
import { RequestReferralHandler } from './commands/request-referral/request-referral.handler';
import { RequestReferralHttpController } from './commands/request-referral/request-referral.http.controller';
import { TakeClaimHandler } from './commands/take-claim/take-claim.handler';
import { TakeClaimHttpController } from './commands/take-claim/take-claim.http.controller';
import { TransitionReferralHandler } from './commands/transition-referral/transition-referral.handler';
import { TransitionReferralHttpController } from './commands/transition-referral/transition-referral.http.controller';
import { DecisionRunner } from './engine/decision-runner';
import { ReferralTables1732400000100 } from './migrations/1732400000100-referral-tables';
import { AgreementAndClaims1732400000110 } from './migrations/1732400000110-agreement-and-claims';
import { ConsentPurpose1732400000120 } from './migrations/1732400000120-consent-purpose';
import { StructuredReasons1732400000150 } from './migrations/1732400000150-structured-reasons';
import { GetAgreementsHttpController } from './queries/get-agreements/get-agreements.http.controller';
import { GetCaseHandler } from './queries/get-case/get-case.handler';
import { GetCaseHttpController } from './queries/get-case/get-case.http.controller';
import { GetDecisionsHttpController } from './queries/get-decisions/get-decisions.http.controller';
import { GetReferralsHttpController } from './queries/get-referrals/get-referrals.http.controller';
import { KnownClientsMessageController } from './read-models/known-clients.message.controller';
import { KnownDirectoryMessageController } from './read-models/known-directory.message.controller';
import { CancelOnConsentWithdrawnHandler } from './commands/cancel-on-consent-withdrawn/cancel-on-consent-withdrawn.handler';
import { CancelOnConsentWithdrawnMessageController } from './commands/cancel-on-consent-withdrawn/cancel-on-consent-withdrawn.message.controller';
import { CreditOutcomeHandler } from './commands/credit-outcome/credit-outcome.handler';
import { CreditOutcomeMessageController } from './commands/credit-outcome/credit-outcome.message.controller';
import { KnownAgency } from './read-models/known-agency.entity';
import { Referral } from './referral.entity';

@Module({})
export class ReferralModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: ReferralModule,
      imports: serviceInfrastructure(config, { service: 'referral', entities: [Referral, KnownAgency], migrations: [ReferralTables1732400000100, AgreementAndClaims1732400000110, ConsentPurpose1732400000120, StructuredReasons1732400000150], publishes: true }),
      controllers: [
        RequestReferralHttpController,
        GetReferralsHttpController,
        TransitionReferralHttpController,
        GetCaseHttpController,
        TakeClaimHttpController,
        ReleaseClaimHttpController,
        GetDecisionsHttpController,
        GetAgreementsHttpController,
        PublishAgreementHttpController,
        KnownDirectoryMessageController,
        KnownClientsMessageController,
        CancelOnConsentWithdrawnMessageController,
        CreditOutcomeMessageController,
      ],
      providers: [
        AgreementStore,
        PublishAgreementHandler,
        DecisionRunner,
        RequestReferralHandler,
        TransitionReferralHandler,
        TakeClaimHandler,
        ReleaseClaimHandler,
        GetCaseHandler,
        ExpireReferralsHandler,
        ExpireReferralsScheduler,
        CancelOnConsentWithdrawnHandler,
        CreditOutcomeHandler,
      ],
    };
  }
}
