import { DynamicModule, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { TOPICS } from '@umbrella/contracts';
import { Messaging, serviceInfrastructure } from '@umbrella/messaging';
import { ServiceConfig } from '@umbrella/platform';
import { ReportingTables1732400000400 } from './migrations/1732400000400-reporting-tables';
import { onAgencyRegistered, onReferralRequested } from './projections/referral-facts.projection';
import { ReferralReportHttpController } from './queries/referral-report/referral-report.http.controller';

export const REPORTING_CONSUMER = 'reporting.projections';

@Injectable()
class ReportingConsumers implements OnModuleInit {
  constructor(private readonly messaging: Messaging) {}

  onModuleInit(): void {
    this.messaging.registerConsumer({
      name: REPORTING_CONSUMER,
      topics: [TOPICS.referrals.name, TOPICS.agencies.name, TOPICS.clients.name],
      handlers: { ReferralRequested: onReferralRequested, AgencyRegistered: onAgencyRegistered },
    });
  }
}

@Module({})
export class ReportingModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: ReportingModule,
      imports: serviceInfrastructure(config, { service: 'reporting', migrations: [ReportingTables1732400000400], publishes: false }),
      controllers: [ReferralReportHttpController],
      providers: [ReportingConsumers],
    };
  }
}
