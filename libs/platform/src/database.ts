import { Logger } from '@nestjs/common';
import { DataSource, EntitySchema, MixedList } from 'typeorm';

export interface DatabaseOptions {
  readonly url: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly migrations: MixedList<Function | string>;
  readonly poolSize?: number;
  /** Wait between connection attempts while PostgreSQL is unreachable. */
  readonly retryDelayMs?: number;
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

  constructor(private readonly options: DatabaseOptions) {
    this.dataSource = new DataSource({
      type: 'postgres',
      url: options.url,
      entities: options.entities,
      migrations: options.migrations,
      migrationsTableName: 'schema_migrations',
      synchronize: false,
      migrationsRun: false,
      poolSize: options.poolSize ?? 10,
      extra: { connectionTimeoutMillis: 5000, application_name: 'umbrella' },
    });
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
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      const applied = await this.dataSource.runMigrations({ transaction: 'each' });
      for (const m of applied) this.logger.log(`migration applied: ${m.name}`);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      await runner.release();
    }
  }

  /** Cheap liveness probe for /health. */
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
