import 'reflect-metadata';
import { CLIENT_JOURNEY_INBOXES, ClientJourneyConfig, ClientJourneyModule } from '@umbrella/client-journey';
import { connectInboxes } from '@umbrella/messaging';
import { exitOnConfigError, loadConfig, runService } from '@umbrella/platform';

async function main(): Promise<void> {
  const config = loadConfig(ClientJourneyConfig, process.env, { PORT: '3003' });
  await runService(
    {
      name: 'client-journey',
      title: 'Umbrella client journey',
      description: 'Pseudonymous clients, consent, milestones and the cross-agency journey timeline.',
    },
    () => ClientJourneyModule.forRoot(config),
    { port: config.PORT, host: config.HOST ?? '127.0.0.1', logLevel: config.LOG_LEVEL, http: config, attach: (app) => connectInboxes(app, CLIENT_JOURNEY_INBOXES) },
  );
}

main().catch(exitOnConfigError);
