import { DynamicModule, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { TOPICS } from '@umbrella/contracts';
import { Messaging, MessagingModule, MessagingTables1732400000000 } from '@umbrella/messaging';
import { PlatformModule, ServiceConfig } from '@umbrella/platform';
import { JourneyTables1732400000300 } from './migrations/1732400000300-journey-tables';
import { onReferralRequestedEvent } from './projections/journey.projection';
import { ClientAccess1732400000310 } from './migrations/1732400000310-client-access';
import { GetJourneyHttpController } from './queries/get-journey/get-journey.http.controller';

export const JOURNEY_CONSUMER = 'client-journey.timeline';

@Injectable()
class JourneyConsumers implements OnModuleInit {
  constructor(private readonly messaging: Messaging) {}

  onModuleInit(): void {
    this.messaging.registerConsumer({
      name: JOURNEY_CONSUMER,
      topics: [TOPICS.referrals.name],
      handlers: { ReferralRequested: onReferralRequestedEvent },
    });
  }
}

@Module({})
export class ClientJourneyModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: ClientJourneyModule,
      imports: [
        PlatformModule.forRoot({
          auth: config,
          database: {
            url: config.DATABASE_URL,
            entities: [],
            migrations: [MessagingTables1732400000000, JourneyTables1732400000300, ClientAccess1732400000310],
          },
        }),
        MessagingModule.forRoot({
          brokers: config.KAFKA_BROKERS.split(','),
          clientId: `client-journey-${config.INSTANCE_ID ?? process.pid}`,
          publishes: true,
        }),
      ],
      controllers: [GetJourneyHttpController],
      providers: [JourneyConsumers],
    };
  }
}
