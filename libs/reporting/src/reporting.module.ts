import { DynamicModule, Module } from '@nestjs/common';
import { Inbox, serviceInfrastructure } from '@umbrella/messaging';
import { RebuildProjectionsHttpController } from './commands/rebuild-projections/rebuild-projections.http.controller';
import { ReportingTables1732400000400 } from './migrations/1732400000400-reporting-tables';
import { ReportingProjections1732400000410 } from './migrations/1732400000410-reporting-projections';
import { ReferralFactsStream1732400000420 } from './migrations/1732400000420-referral-facts-stream';
import { ProjectionRunner } from './projections/projection-runner';
import { ProjectionsMessageController, REPORTING_INBOX } from './projections/projections.message.controller';
import { DashboardHttpController } from './queries/dashboard/dashboard.http.controller';
import { EventCatalogueHttpController } from './queries/event-catalogue/event-catalogue.http.controller';
import { PartnershipReportHttpController } from './queries/partnership-report/partnership-report.http.controller';
import { ReferralReportHttpController } from './queries/referral-report/referral-report.http.controller';
import { ReportService } from './report/report.service';
import { REPORT_SETTINGS, ReportingConfig, reportSettings } from './reporting.config';

export { REPORTING_CONSUMER } from './projections/projection-runner';
export { DEFAULT_REPORT_MIN_CLIENTS, ReportingConfig } from './reporting.config';

/** Reporting's consumer groups; the service attaches one transport strategy to each (connectInboxes). */
export const REPORTING_INBOXES: readonly Inbox[] = [REPORTING_INBOX];

@Module({})
export class ReportingModule {
  static forRoot(config: ReportingConfig): DynamicModule {
    return {
      module: ReportingModule,
      imports: serviceInfrastructure(config, { service: 'reporting', migrations: [ReportingTables1732400000400, ReportingProjections1732400000410, ReferralFactsStream1732400000420], publishes: true }),
      controllers: [ReferralReportHttpController, PartnershipReportHttpController, RebuildProjectionsHttpController, EventCatalogueHttpController, DashboardHttpController, ProjectionsMessageController],
      providers: [ProjectionRunner, ReportService, { provide: REPORT_SETTINGS, useValue: reportSettings(config) }],
    };
  }
}
