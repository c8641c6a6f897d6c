import { DynamicModule, Global, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Database, DatabaseOptions } from './database';
import { HealthController, HealthRegistry } from './health';

const DATABASE_OPTIONS = Symbol('DATABASE_OPTIONS');

@Injectable()
class DatabaseLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly database: Database,
    private readonly health: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.health.register({ name: 'database', check: () => this.database.ping() });
    this.database.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}

/** What every service shares: its database (connected and migrated in the background) and /health. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: PlatformModule,
      controllers: [HealthController],
      providers: [
        { provide: DATABASE_OPTIONS, useValue: options },
        { provide: Database, useFactory: (o: DatabaseOptions) => new Database(o), inject: [DATABASE_OPTIONS] },
        HealthRegistry,
        DatabaseLifecycle,
      ],
      exports: [Database, HealthRegistry],
    };
  }
}

