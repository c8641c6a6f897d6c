import {
  CanActivate,
  DynamicModule,
  ExecutionContext,
  Global,
  HttpStatus,
  Injectable,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CodedHttpException } from './http';
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

/** Until the database is connected and migrated, everything but /health answers 503 (retry later). */
@Injectable()
class DatabaseReadyGuard implements CanActivate {
  constructor(private readonly database: Database) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.database.isConnected || context.getClass() === HealthController) return true;
    throw new CodedHttpException(HttpStatus.SERVICE_UNAVAILABLE, 'SERVICE_UNAVAILABLE', 'The service is starting or its database is unavailable; try again shortly.');
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
        { provide: APP_GUARD, useClass: DatabaseReadyGuard },
      ],
      exports: [Database, HealthRegistry],
    };
  }
}

