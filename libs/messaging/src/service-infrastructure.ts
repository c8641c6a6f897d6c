import { DynamicModule } from '@nestjs/common';
import { DatabaseOptions, PlatformModule, ServiceConfig } from '@umbrella/platform';
import { MessagingModule } from './messaging.module';
import { MESSAGING_MIGRATIONS } from './migrations/messaging-migrations';

export interface ServiceInfrastructure {
  /** Names the Kafka clients, with the instance id. */
  readonly service: string;
  readonly entities?: DatabaseOptions['entities'];
  /** The service's own migrations; the messaging tables come first. */
  readonly migrations: DatabaseOptions['migrations'];
  /** Services that publish run an outbox relay. */
  readonly publishes: boolean;
}

/** What every service imports: its database, authentication, audit, health, and its link to Kafka. */
export function serviceInfrastructure(config: ServiceConfig, infra: ServiceInfrastructure): DynamicModule[] {
  return [
    PlatformModule.forRoot({
      auth: config,
      database: {
        url: config.DATABASE_URL,
        poolSize: config.DATABASE_POOL_SIZE,
        poolWaitMs: config.DATABASE_POOL_WAIT_MS,
        lockTimeoutMs: config.DATABASE_LOCK_TIMEOUT_MS,
        entities: infra.entities ?? [],
        migrations: [...MESSAGING_MIGRATIONS, ...(infra.migrations as [])],
      },
    }),
    MessagingModule.forRoot({
      brokers: config.KAFKA_BROKERS.split(','),
      clientId: `${infra.service}-${config.INSTANCE_ID ?? process.pid}`,
      publishes: infra.publishes,
    }),
  ];
}
