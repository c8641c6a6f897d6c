import { DynamicModule, Module } from '@nestjs/common';
import { serviceInfrastructure } from '@umbrella/messaging';
import { ServiceConfig } from '@umbrella/platform';
import { AgreementStore } from './agreement/agreement.store';
import { ClaimsHandler, ClaimsHttpController } from './commands/claims/claims.http.controller';
import { RequestReferralHandler } from './commands/request-referral/request-referral.handler';
import { RequestReferralHttpController } from './commands/request-referral/request-referral.http.controller';
import { TransitionReferralHandler, TransitionReferralHttpController } from './commands/transition-referral/transition-referral.http.controller';
import { DecisionRunner } from './engine/decision-runner';
import { ReferralTables1732400000100 } from './migrations/1732400000100-referral-tables';
import { AgreementAndClaims1732400000110 } from './migrations/1732400000110-agreement-and-claims';
import { ConsentPurpose1732400000120 } from './migrations/1732400000120-consent-purpose';
import { StructuredReasons1732400000150 } from './migrations/1732400000150-structured-reasons';
import { AgreementHttpController } from './queries/decisions/decisions.http.controller';
import { GetReferralsHttpController } from './queries/get-referrals/get-referrals.http.controller';
import { KnownClientsMessageController } from './read-models/known-clients.message.controller';
import { KnownDirectoryMessageController } from './read-models/known-directory.message.controller';
import { CancelOnConsentWithdrawnHandler } from './commands/cancel-on-consent-withdrawn/cancel-on-consent-withdrawn.handler';
import { CancelOnConsentWithdrawnMessageController } from './commands/cancel-on-consent-withdrawn/cancel-on-consent-withdrawn.message.controller';
import { CreditOutcomeHandler } from './commands/credit-outcome/credit-outcome.handler';
import { CreditOutcomeMessageController } from './commands/credit-outcome/credit-outcome.message.controller';
import { KnownAgency } from './read-models/known-agency.entity';
import { Referral } from './referral.entity';
import { ExpiryScheduler } from './scheduler/expiry.scheduler';

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
        ClaimsHttpController,
        AgreementHttpController,
        KnownDirectoryMessageController,
        KnownClientsMessageController,
        CancelOnConsentWithdrawnMessageController,
        CreditOutcomeMessageController,
      ],
      providers: [AgreementStore, DecisionRunner, RequestReferralHandler, TransitionReferralHandler, ClaimsHandler, ExpiryScheduler, CancelOnConsentWithdrawnHandler, CreditOutcomeHandler],
    };
  }
}
