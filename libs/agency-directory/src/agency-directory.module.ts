import { DynamicModule, Module } from '@nestjs/common';
import { MessagingModule, MessagingTables1732400000000 } from '@umbrella/messaging';
import { PlatformModule, ServiceConfig } from '@umbrella/platform';
import { Agency } from './agency.entity';
import { RegisterAgencyHandler } from './commands/register-agency/register-agency.handler';
import { RegisterAgencyHttpController } from './commands/register-agency/register-agency.http.controller';
import { DirectoryTables1732400000200 } from './migrations/1732400000200-directory-tables';
import { GetAgenciesHttpController } from './queries/get-agencies/get-agencies.http.controller';

@Module({})
export class AgencyDirectoryModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: AgencyDirectoryModule,
      imports: [
        PlatformModule.forRoot({
          auth: config,
          database: {
            url: config.DATABASE_URL,
            entities: [Agency],
            migrations: [MessagingTables1732400000000, DirectoryTables1732400000200],
          },
        }),
        MessagingModule.forRoot({
          brokers: config.KAFKA_BROKERS.split(','),
          clientId: `agency-directory-${config.INSTANCE_ID ?? process.pid}`,
          publishes: true,
        }),
      ],
      controllers: [RegisterAgencyHttpController, GetAgenciesHttpController],
      providers: [RegisterAgencyHandler],
    };
  }
}
