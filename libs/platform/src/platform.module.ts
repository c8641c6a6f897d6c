import { CanActivate, DynamicModule, ExecutionContext, Global, HttpStatus, Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuditLog1732400000050 } from './audit/audit-log.migration';
import { AuditTrail } from './audit/audit';
import { CommandInterceptor } from './audit/command.interceptor';
import { IdempotencyRecord1732400001100 } from './audit/idempotency-record.migration';
import { RequestOutcome1732400001000 } from './audit/request-outcome.migration';
import { AuditHttpController } from './audit/audit.http.controller';
import { AuthGuard } from './auth/auth.guard';
import { TokenVerifier } from './auth/token-verifier';
import { AuthConfig } from './config';
import { Database, DatabaseOptions } from './database';
import { HealthController, HealthRegistry } from './health';
import { CodedHttpException } from './http';

const DATABASE_OPTIONS = Symbol('DATABASE_OPTIONS');

/** Idempotency keys are kept for 24 hours; older ones are removed now and then. */
const IDEMPOTENCY_SWEEP_MS = 10 * 60 * 1000;

@Injectable()
class DatabaseLifecycle implements OnModuleInit, OnApplicationShutdown {
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly database: Database,
    private readonly health: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.health.register({ name: 'database', check: () => this.database.ping() });
    this.database.start();
    this.sweeper = setInterval(() => void this.sweepIdempotencyKeys(), IDEMPOTENCY_SWEEP_MS);
    this.sweeper.unref();
  }

  private async sweepIdempotencyKeys(): Promise<void> {
    if (!this.database.isConnected) return;
    try {
      await this.database.dataSource.query(`DELETE FROM idempotency_key WHERE created_at < now() - interval '24 hours'`);
    } catch (error) {
      new Logger('Database').warn(`expired idempotency keys not removed this time: ${(error as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
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
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const database: DatabaseOptions = { ...options.database, migrations: [AuditLog1732400000050, RequestOutcome1732400001000, IdempotencyRecord1732400001100, ...(options.database.migrations as [])] };
    return {
      module: PlatformModule,
      controllers: [HealthController, AuditHttpController],
      providers: [
        { provide: DATABASE_OPTIONS, useValue: database },
        { provide: Database, useFactory: (o: DatabaseOptions) => new Database(o), inject: [DATABASE_OPTIONS] },
        { provide: TokenVerifier, useFactory: () => TokenVerifier.create(options.auth) },
        HealthRegistry,
        DatabaseLifecycle,
        AuditTrail,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: DatabaseReadyGuard },
        { provide: APP_INTERCEPTOR, useClass: CommandInterceptor },
      ],
      exports: [Database, HealthRegistry, TokenVerifier, AuditTrail],
    };
  }
}
