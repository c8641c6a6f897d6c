import 'reflect-metadata';
import { ReportingModule } from '@umbrella/reporting';
import { exitOnConfigError, loadConfig, runService, ServiceConfig } from '@umbrella/platform';

async function main(): Promise<void> {
  const config = loadConfig(ServiceConfig, process.env, { PORT: '3004' });
  await runService(
    {
      name: 'reporting',
      title: 'Umbrella reporting',
      description: 'Reports built from the event streams; no personal data.',
    },
    () => ReportingModule.forRoot(config),
    { port: config.PORT, host: config.HOST ?? '127.0.0.1', logLevel: config.LOG_LEVEL, http: config },
  );
}

main().catch(exitOnConfigError);
