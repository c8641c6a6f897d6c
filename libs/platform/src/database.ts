import { Logger } from '@nestjs/common';
import pg from 'pg';
import { DataSource, EntityManager, EntitySchema, MixedList } from 'typeorm';
import { transactionWithHooks } from './after-commit';
import { currentUnitOfWork } from './unit-of-work';

export interface DatabaseOptions {
  readonly url: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly migrations: MixedList<Function | string>;
  /** Connections in the pool (DATABASE_POOL_SIZE, default 10). */
  readonly poolSize?: number;
  /** How long a request waits for a free connection before it is answered 503 DATABASE_BUSY (DATABASE_POOL_WAIT_MS, default 5000). */
  readonly poolWaitMs?: number;
  /** How long a transaction waits for a row or advisory lock before giving up (DATABASE_LOCK_TIMEOUT_MS, default 5000). */
  readonly lockTimeoutMs?: number;
  /** Wait between connection attempts while PostgreSQL is unreachable. */
  readonly retryDelayMs?: number;
}

export const DATABASE_DEFAULTS = { poolSize: 10, poolWaitMs: 5000, lockTimeoutMs: 5000 } as const;

/**
 * pg with a pool that gives every client an 'error' listener the moment it connects, for its whole
 * life. pg-pool only listens while a client is idle and TypeORM only while a query runner holds it;
 * a FATAL (e.g. 57P01 from pg_terminate_backend) arriving while neither listens would be an
 * unhandled 'error' event, which ends the process. The listener only logs: the query or the
 * transaction that used the client fails on its own, and the pool drops the broken client.
 */
export function supervisedDriver(onClientError: (error: Error) => void): typeof pg {
  class SupervisedPool extends pg.Pool {
    constructor(config?: pg.PoolConfig) {
      super(config);
      this.on('connect', (client) => client.on('error', onClientError));
    }
  }
  return Object.assign(Object.create(pg) as typeof pg, { Pool: SupervisedPool });
}

/** Advisory-lock key under which migrations run, so several instances starting at once migrate once. */
const MIGRATION_LOCK = 7_211_001;

/**
 * The service's PostgreSQL connection. It connects (and migrates) in the background and keeps
 * retrying while the database is down, so the HTTP server can start and report itself down on
 * /health instead of exiting in a restart loop.
 */
export class Database {
  readonly dataSource: DataSource;
  private readonly logger = new Logger('Database');
  private readyResolve!: () => void;
  private readonly ready = new Promise<void>((resolve) => (this.readyResolve = resolve));
  private stopped = false;
  private connected = false;

  readonly lockTimeoutMs: number;

  constructor(private readonly options: DatabaseOptions) {
    this.lockTimeoutMs = options.lockTimeoutMs ?? DATABASE_DEFAULTS.lockTimeoutMs;
    this.dataSource = new DataSource({
      type: 'postgres',
      driver: supervisedDriver((error) => this.logger.warn(`a pooled PostgreSQL connection failed: ${error.message}`)),
      url: options.url,
      entities: options.entities,
      migrations: options.migrations,
      migrationsTableName: 'schema_migrations',
      synchronize: false,
      migrationsRun: false,
      poolSize: options.poolSize ?? DATABASE_DEFAULTS.poolSize,
      poolErrorHandler: (error: Error) => this.logger.warn(`an idle PostgreSQL connection failed: ${error.message}`),
      extra: {
        connectionTimeoutMillis: options.poolWaitMs ?? DATABASE_DEFAULTS.poolWaitMs,
        application_name: 'umbrella',
        // a session setting, sent once per connection rather than once per transaction
        options: `-c lock_timeout=${Math.max(1, Math.floor(this.lockTimeoutMs))}`,
      },
    });
  }

  /**
   * Runs `work` in a transaction. Inside a command (an HTTP request with a unit of work) it joins
   * the command's transaction as a savepoint, so the command's answer, audit row and idempotency
   * record commit with it; elsewhere (consumers, timers) it is a transaction of its own. Lock waits
   * are bounded by DATABASE_LOCK_TIMEOUT_MS either way (a setting of every connection).
   */
  async transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const unit = currentUnitOfWork();
    if (unit) return unit.transaction(work);
    return transactionWithHooks(this.dataSource, work);
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Resolves once connected and migrated. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** Starts connecting in the background; never throws. */
  start(): void {
    void this.connectLoop();
  }

  private async connectLoop(): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      attempt += 1;
      try {
        if (!this.dataSource.isInitialized) await this.dataSource.initialize();
        await this.migrate();
        this.connected = true;
        this.logger.log(`connected to PostgreSQL${attempt > 1 ? ` after ${attempt} attempts` : ''}; schema up to date`);
        this.readyResolve();
        return;
      } catch (error) {
        const delay = this.options.retryDelayMs ?? Math.min(1000 * attempt, 5000);
        this.logger.warn(`PostgreSQL unavailable (attempt ${attempt}): ${(error as Error).message}; retrying in ${delay} ms`);
        await sleep(delay);
      }
    }
  }

  private async migrate(): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      // another instance may be migrating: wait for it however long it takes, not the requests' lock timeout
      await runner.query('SET lock_timeout = 0');
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      const applied = await this.dataSource.runMigrations({ transaction: 'each' });
      for (const m of applied) this.logger.log(`migration applied: ${m.name}`);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      await runner.query('RESET lock_timeout').catch(() => undefined);
      await runner.release();
    }
  }

  /** Cheap probe for /health/ready: the database answers a query within 2 s. */
  async ping(): Promise<boolean> {
    if (!this.dataSource.isInitialized || !this.connected) return false;
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), 2000);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
