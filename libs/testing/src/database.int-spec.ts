import { AuditLog1732400000050, classifyDatabaseError, Database, findCommandOutcome, RequestOutcome1732400001000, UnitOfWork } from '@umbrella/platform';
import { Client, Pool, PoolClient } from 'pg';
import { recreateTestDatabase } from './infrastructure';
import { waitFor } from './wait';

/**
 * The service's database connection against the real PostgreSQL, with connections terminated
 * under it as an operator's pg_terminate_backend (or a failover) would.
 */
describe('Database', () => {
  let database: Database;
  let admin: Client;

  const poolOf = (db: Database): Pool => (db.dataSource.driver as unknown as { master: Pool }).master;
  const terminate = (pid: number) => admin.query('SELECT pg_terminate_backend($1)', [pid]);

  let url: string;

  beforeAll(async () => {
    url = await recreateTestDatabase('umbrella_platform_test');
    database = new Database({ url, entities: [], migrations: [AuditLog1732400000050, RequestOutcome1732400001000], poolSize: 4, retryDelayMs: 200 });
    database.start();
    await database.whenReady();
    admin = new Client({ connectionString: url });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end();
    await database?.close();
  });

  it('gives every client the pool hands out an error listener, for as long as it is out', async () => {
    const client: PoolClient = await poolOf(database).connect();
    try {
      // pg-pool stops listening when it hands a client out; nobody else listens until TypeORM does
      expect(client.listenerCount('error')).toBeGreaterThan(0);
    } finally {
      client.release();
    }
  });

  it('stays up when PostgreSQL terminates a connection that is out of the pool but idle', async () => {
    const client = await poolOf(database).connect();
    const pid = (client as unknown as { processID: number }).processID;
    await terminate(pid);
    // the FATAL arrives while no query runs: without a listener of its own, the client's 'error'
    // event is thrown as an uncaught exception, which ends a service (and fails this test)
    await waitFor(async () => (client as unknown as { _queryable: boolean })._queryable === false, { timeoutMs: 10000, what: 'the client to see its connection end' });
    client.release(true);
    await expect(database.dataSource.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
  });

  it('reports a transaction whose connection is terminated as unavailable, and serves the next one', async () => {
    const running = database.transaction(async (tx) => tx.query('SELECT pg_sleep(10)'));
    let pid: number | undefined;
    await waitFor(async () => {
      const { rows } = await admin.query(`SELECT pid FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(10)%' AND pid <> pg_backend_pid()`);
      pid = rows[0]?.pid;
      return pid !== undefined;
    }, { timeoutMs: 10000, what: 'the sleeping transaction' });
    await terminate(pid as number);
    const error = await running.then(
      () => null,
      (e: unknown) => e,
    );
    expect(classifyDatabaseError(error)).toBe('unavailable');
    await expect(database.transaction(async (tx) => tx.query('SELECT 2 AS two'))).resolves.toEqual([{ two: 2 }]);
  });

  it('bounds lock waits by the lock timeout, and calls a lock wait that elapsed busy', async () => {
    await admin.query('BEGIN');
    await admin.query('SELECT pg_advisory_xact_lock(4242)');
    try {
      const quick = new Database({ url, entities: [], migrations: [], poolSize: 2, lockTimeoutMs: 200 });
      quick.start();
      await quick.whenReady();
      try {
        const error = await quick.transaction(async (tx) => tx.query('SELECT pg_advisory_xact_lock(4242)')).then(
          () => null,
          (e: unknown) => e,
        );
        expect(classifyDatabaseError(error)).toBe('busy');
      } finally {
        await quick.close();
      }
    } finally {
      await admin.query('ROLLBACK');
    }
  });

  describe("a command's unit of work", () => {
    beforeAll(async () => {
      await admin.query('CREATE TABLE IF NOT EXISTS uow_probe (v text PRIMARY KEY)');
    });

    const values = async () => (await admin.query('SELECT v FROM uow_probe ORDER BY v')).rows.map((r) => r.v);

    it('undoes exactly the work that failed, first use or later, and commits the rest together', async () => {
      await admin.query('TRUNCATE uow_probe');
      const unit = new UnitOfWork(database.dataSource);
      try {
        // the first use fails: its write is undone and the transaction begins again on next use
        await expect(unit.transaction(async (tx) => {
          await tx.query(`INSERT INTO uow_probe VALUES ('first-undone')`);
          await tx.query(`INSERT INTO uow_probe VALUES ('first-undone')`);
        })).rejects.toThrow(/duplicate key/);
        await unit.transaction(async (tx) => tx.query(`INSERT INTO uow_probe VALUES ('kept-1')`));
        // a later use fails: only its own writes are undone (a savepoint), the earlier one stays
        await expect(unit.transaction(async (tx) => {
          await tx.query(`INSERT INTO uow_probe VALUES ('later-undone')`);
          await tx.query(`INSERT INTO uow_probe VALUES ('kept-1')`);
        })).rejects.toThrow(/duplicate key/);
        await unit.transaction(async (tx) => tx.query(`INSERT INTO uow_probe VALUES ('kept-2')`));
        // nothing is visible before the unit commits
        expect(await values()).toEqual([]);
        await unit.commit();
      } finally {
        await unit.end();
      }
      expect(await values()).toEqual(['kept-1', 'kept-2']);
    });

    it('begins on another connection when the pool hands out one whose server has gone', async () => {
      const pool = poolOf(database);
      for (let i = 0; i < 20; i += 1) {
        // a connection goes back to the pool idle, and its backend is terminated while it sits there
        const client = await pool.connect();
        const pid = (client as unknown as { processID: number }).processID;
        client.release();
        await terminate(pid);
        const unit = new UnitOfWork(database.dataSource);
        try {
          await expect(unit.transaction(async (tx) => tx.query('SELECT 1 AS one'))).resolves.toEqual([{ one: 1 }]);
          await unit.commit();
        } finally {
          await unit.end();
        }
      }
    });

    it('returns its connection to the pool however it ends', async () => {
      const pool = poolOf(database);
      const before = pool.totalCount - pool.idleCount;
      for (let i = 0; i < 5; i += 1) {
        const unit = new UnitOfWork(database.dataSource);
        // fails as its first use (the transaction begins again), then as a savepoint, then works
        await unit.transaction(async (tx) => tx.query('SELECT no_such_column FROM uow_probe')).catch(() => undefined);
        await unit.transaction(async (tx) => tx.query('SELECT 1'));
        await unit.transaction(async (tx) => tx.query('SELECT no_such_column FROM uow_probe')).catch(() => undefined);
        await unit.transaction(async (tx) => tx.query('SELECT 2'));
        if (i % 2 === 0) await unit.commit();
        else await unit.rollback();
        await unit.end();
      }
      expect(pool.totalCount - pool.idleCount).toBe(before);
    });
  });

  describe('after an interrupted COMMIT, the request id tells what happened', () => {
    const auditRow = (tx: { query(sql: string, p: unknown[]): Promise<unknown> }, requestId: string) =>
      tx.query(`INSERT INTO audit_log (method, action, outcome, status, request_id) VALUES ('POST', 'test', 'allowed', 201, $1)`, [requestId]);

    it('committed: the audit row is there', async () => {
      const unit = new UnitOfWork(database.dataSource);
      try {
        await auditRow(await unit.manager(), unit.requestId);
        const pid = unit.backendPid;
        await unit.commit();
        await expect(findCommandOutcome(database.dataSource, unit.requestId, pid)).resolves.toBe('committed');
      } finally {
        await unit.end();
      }
    });

    it('not committed: the row is absent and the backend that held the transaction has gone', async () => {
      const unit = new UnitOfWork(database.dataSource);
      try {
        await auditRow(await unit.manager(), unit.requestId);
        const pid = unit.backendPid;
        expect(pid).toEqual(expect.any(Number));
        await terminate(pid as number);
        await expect(unit.commit()).rejects.toThrow();
        await expect(findCommandOutcome(database.dataSource, unit.requestId, pid)).resolves.toBe('not-committed');
      } finally {
        await unit.end();
      }
    });

    it('unknown while the backend still holds the transaction open', async () => {
      const unit = new UnitOfWork(database.dataSource);
      try {
        await auditRow(await unit.manager(), unit.requestId);
        await expect(findCommandOutcome(database.dataSource, unit.requestId, unit.backendPid, 2)).resolves.toBe('unknown');
      } finally {
        await unit.rollback();
        await unit.end();
      }
    });
  });
});
