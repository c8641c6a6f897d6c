import 'reflect-metadata';
import { AGENCY_DIRECTORY_INBOXES, AgencyDirectoryModule } from '@umbrella/agency-directory';
import { connectInboxes } from '@umbrella/messaging';
import { exitOnConfigError, loadConfig, runService, ServiceConfig } from '@umbrella/platform';

async function main(): Promise<void> {
  const config = loadConfig(ServiceConfig, process.env, { PORT: '3002' });
  await runService(
    {
      name: 'agency-directory',
      title: 'Umbrella agency directory',
      description: 'Agencies of the partnership, their services, capacity and agreement signatures.',
      bodyLimits: { '/hsds/import': '20mb' },
    },
    () => AgencyDirectoryModule.forRoot(config),
    { port: config.PORT, host: config.HOST ?? '127.0.0.1', logLevel: config.LOG_LEVEL, http: config, attach: (app) => connectInboxes(app, AGENCY_DIRECTORY_INBOXES) },
  );
}

main().catch(exitOnConfigError);
