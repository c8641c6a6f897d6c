import { DynamicModule, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { TOPICS } from '@umbrella/contracts';
import { Messaging, MessagingModule, MessagingTables1732400000000 } from '@umbrella/messaging';
import { PlatformModule, ServiceConfig } from '@umbrella/platform';
import { RequestReferralHandler } from './commands/request-referral/request-referral.handler';
import { RequestReferralHttpController } from './commands/request-referral/request-referral.http.controller';
import { ReferralTables1732400000100 } from './migrations/1732400000100-referral-tables';
import { GetReferralsHttpController } from './queries/get-referrals/get-referrals.http.controller';
import { onAgencyRegistered } from './read-models/agencies.projection';
import { KnownAgency } from './read-models/known-agency.entity';
import { Referral } from './referral.entity';

export const REFERRAL_CONSUMER = 'referral.read-models';

@Injectable()
class ReferralConsumers implements OnModuleInit {
  constructor(private readonly messaging: Messaging) {}

  onModuleInit(): void {
    this.messaging.registerConsumer({
      name: REFERRAL_CONSUMER,
      topics: [TOPICS.agencies.name],
      handlers: { AgencyRegistered: onAgencyRegistered },
    });
  }
}

@Module({})
export class ReferralModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: ReferralModule,
      imports: [
        PlatformModule.forRoot({
          auth: config,
          database: {
            url: config.DATABASE_URL,
            entities: [Referral, KnownAgency],
            migrations: [MessagingTables1732400000000, ReferralTables1732400000100],
          },
        }),
        MessagingModule.forRoot({
          brokers: config.KAFKA_BROKERS.split(','),
          clientId: `referral-${config.INSTANCE_ID ?? process.pid}`,
          publishes: true,
        }),
      ],
      controllers: [RequestReferralHttpController, GetReferralsHttpController],
      providers: [RequestReferralHandler, ReferralConsumers],
    };
  }
}
