import 'reflect-metadata';
import { connectInboxes } from '@umbrella/messaging';
import { REPORTING_INBOXES, ReportingConfig, ReportingModule } from '@umbrella/reporting';
import { exitOnConfigError, loadConfig, runService } from '@umbrella/platform';

async function main(): Promise<void> {
  const config = loadConfig(ReportingConfig, process.env, { PORT: '3004' });
  await runService(
    {
      name: 'reporting',
      title: 'Umbrella reporting',
      description: 'Reports built from the event streams; no personal data.',
    },
    () => ReportingModule.forRoot(config),
    { port: config.PORT, host: config.HOST ?? '127.0.0.1', logLevel: config.LOG_LEVEL, http: config, attach: (app) => connectInboxes(app, REPORTING_INBOXES) },
  );
}

main().catch(exitOnConfigError);
