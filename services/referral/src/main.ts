import 'reflect-metadata';
import { connectInboxes } from '@umbrella/messaging';
import { REFERRAL_INBOXES, ReferralModule } from '@umbrella/referral';
import { exitOnConfigError, loadConfig, runService, ServiceConfig } from '@umbrella/platform';

async function main(): Promise<void> {
  const config = loadConfig(ServiceConfig, process.env, { PORT: '3001' });
  await runService(
    {
      name: 'referral',
      title: 'Umbrella referral service',
      description: 'Referrals between agencies, their lifecycle and the decisions taken under the umbrella agreement.',
    },
    () => ReferralModule.forRoot(config),
    { port: config.PORT, host: config.HOST ?? '127.0.0.1', logLevel: config.LOG_LEVEL, http: config, attach: (app) => connectInboxes(app, REFERRAL_INBOXES) },
  );
}

main().catch(exitOnConfigError);
