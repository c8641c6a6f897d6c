import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { classifyDatabaseError } from './database-errors';

const current = new AsyncLocalStorage<UnitOfWork>();

/** The unit of work of the request being served, if it is a command. */
export function currentUnitOfWork(): UnitOfWork | undefined {
  return current.getStore();
}

/**
 * One command's transaction. Everything the command writes — its state, its outgoing events, its
 * idempotency record and its audit row — commits together or not at all, and the answer is built
 * from what this transaction sees, so a 2xx is never sent for work that did not commit.
 *
 * The transaction begins on first use, so a request that waits (for a client's turn, say) holds
 * no pooled connection while it waits. Nested `Database.transaction` calls run as savepoints.
 */
export class UnitOfWork {
  /** Generated before anything is written: after an interrupted COMMIT, the audit row with this id tells whether it committed. */
  readonly requestId = randomUUID();
  private runner: QueryRunner | null = null;
  private begun: Promise<EntityManager> | null = null;
  private readonly onCommit: (() => void)[] = [];
  private readonly onEnd: (() => void)[] = [];
  private ended = false;

  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` with this unit of work as the current one. */
  run<T>(work: () => Promise<T>): Promise<T> {
    return current.run(this, work);
  }

  /** The backend serving this transaction, to find out what became of it if the connection drops. */
  get backendPid(): number | null {
    const connection = (this.runner as unknown as { databaseConnection?: { processID?: number } } | null)?.databaseConnection;
    return typeof connection?.processID === 'number' ? connection.processID : null;
  }

  /** The transaction's entity manager, beginning the transaction on first use. */
  manager(): Promise<EntityManager> {
    if (this.ended) return Promise.reject(new Error('the unit of work has ended'));
    this.begun ??= this.begin();
    return this.begun;
  }

  private async begin(attempt = 1): Promise<EntityManager> {
    // after a rollback the same connection begins again, unless the failure took it away
    const runner = this.runner && !this.runner.isReleased ? this.runner : this.dataSource.createQueryRunner();
    this.runner = runner;
    try {
      await runner.connect();
      await runner.startTransaction();
      return runner.manager;
    } catch (error) {
      // The pool can hand out a connection whose server went away while it sat idle (terminated,
      // failed over). Nothing has been done on it yet, so another connection is as good: end this
      // one, so the pool drops it, and begin on the next (a few times at most).
      if (attempt >= 3 || classifyDatabaseError(error) !== 'unavailable') throw error;
      const client = (runner as unknown as { databaseConnection?: { end?: () => Promise<void> } }).databaseConnection;
      void client?.end?.().catch(() => undefined);
      await runner.release().catch(() => undefined);
      this.runner = null;
      return this.begin(attempt + 1);
    }
  }

  /**
   * Runs `work` in this unit's transaction, undoing just its writes if it throws. As the first
   * use of the transaction (the usual case: one decision per command) that needs no savepoint —
   * on failure the whole transaction, which holds nothing else, is rolled back and begun afresh
   * on next use; afterwards it runs as a savepoint.
   */
  async transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    if (this.begun) return (await this.manager()).transaction(work);
    const manager = await this.manager();
    try {
      return await work(manager);
    } catch (error) {
      await this.rollback();
      this.begun = null;
      throw error;
    }
  }

  /** Called once the transaction has committed (e.g. to wake the outbox relay). */
  afterCommit(callback: () => void): void {
    this.onCommit.push(callback);
  }

  /** Called once the unit of work has ended, committed or not (e.g. to let the next request for a client in). */
  whenEnded(callback: () => void): void {
    if (this.ended) callback();
    else this.onEnd.push(callback);
  }

  /** Commits what was written. A failure here leaves the outcome unknown until someone looks. */
  async commit(): Promise<void> {
    if (this.begun) {
      await this.begun;
      if (this.runner) await this.runner.commitTransaction();
    }
    this.committed();
  }

  /** Runs the after-commit callbacks; also for a COMMIT that was interrupted but found to have committed. */
  committed(): void {
    // outside this request's context: work a callback starts (the relay's next pass) is nobody's command
    for (const callback of this.onCommit.splice(0)) current.exit(callback);
  }

  async rollback(): Promise<void> {
    if (!this.begun) return;
    try {
      await this.begun;
      if (this.runner?.isTransactionActive) await this.runner.rollbackTransaction();
    } catch {
      // a lost connection rolls the transaction back on the server by itself
    }
  }

  /** Returns the connection to the pool and lets waiters in. Always call, once. */
  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    try {
      if (this.begun) await this.begun.catch(() => undefined);
      if (this.runner && !this.runner.isReleased) await this.runner.release();
    } finally {
      for (const callback of this.onEnd.splice(0)) current.exit(callback);
    }
  }
}

/**
 * After an interrupted COMMIT: the audit row with the request's id exists if and only if the
 * transaction committed. While the old backend still runs it may still be committing, so look
 * again until it has gone; past `attempts` looks the outcome stays unknown.
 */
export async function findCommandOutcome(
  dataSource: DataSource,
  requestId: string,
  backendPid: number | null,
  attempts = 12,
): Promise<'committed' | 'not-committed' | 'unknown'> {
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      const [row] = (await dataSource.query(
        `SELECT EXISTS (SELECT 1 FROM audit_log WHERE request_id = $1) AS committed,
                EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $2) AS running`,
        [requestId, backendPid ?? -1],
      )) as { committed: boolean; running: boolean }[];
      if (row.committed) return 'committed';
      if (!row.running) return 'not-committed';
    } catch {
      // the database is not answering yet: wait and ask again
    }
    if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 2000)));
  }
  return 'unknown';
}
