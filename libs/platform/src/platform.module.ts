import {
  CanActivate,
  DynamicModule,
  ExecutionContext,
  Global,
  HttpStatus,
  Injectable,
  MiddlewareConsumer,
  Module,
  NestModule,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuditLog1732400000050 } from './audit/audit-log.migration';
import { AuditInterceptor, AuditMiddleware } from './audit/audit';
import { AuditHttpController } from './audit/audit.http.controller';
import { AuthGuard } from './auth/auth.guard';
import { TokenVerifier } from './auth/token-verifier';
import { AuthConfig } from './config';
import { Database, DatabaseOptions } from './database';
import { HealthController, HealthRegistry } from './health';
import { CodedHttpException } from './http';

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

export interface PlatformOptions {
  readonly database: DatabaseOptions;
  readonly auth: AuthConfig;
}

/**
 * What every service shares: its database (connected and migrated in the background), /health,
 * bearer-token authentication on every other route, and the audit trail (`GET /audit`).
 */
@Global()
@Module({})
export class PlatformModule implements NestModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const database: DatabaseOptions = { ...options.database, migrations: [AuditLog1732400000050, ...(options.database.migrations as [])] };
    return {
      module: PlatformModule,
      controllers: [HealthController, AuditHttpController],
      providers: [
        { provide: DATABASE_OPTIONS, useValue: database },
        { provide: Database, useFactory: (o: DatabaseOptions) => new Database(o), inject: [DATABASE_OPTIONS] },
        { provide: TokenVerifier, useFactory: () => TokenVerifier.create(options.auth) },
        HealthRegistry,
        DatabaseLifecycle,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: DatabaseReadyGuard },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
      ],
      exports: [Database, HealthRegistry, TokenVerifier],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AuditMiddleware).forRoutes('*');
  }
}
