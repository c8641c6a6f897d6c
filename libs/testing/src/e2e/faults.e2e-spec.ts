import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { consentTo, enrolAgencies, http, HttpResult, referWhenReady, registerClient, RunningService, startPlatform, startService, testAuthEnv, TestPlatform, tokenFor } from '../index';

/**
 * Answers that never lie, on the running services: PostgreSQL terminates the services' connections
 * while commands run; requests race on one client against a small pool; clients retry with an
 * Idempotency-Key. Every 2xx must have committed exactly once, every error must have committed
 * nothing, every answered request must be in the audit trail, and no process may exit.
 */
const run = randomUUID().slice(0, 8);
const [A, B] = ['a', 'b'].map((x) => `ag-${run}-${x}`);

interface Attempt {
  readonly status: number | 'network-error';
  readonly code?: string;
}

interface Outcome {
  readonly correlationId: string;
  readonly attempts: Attempt[];
  readonly final: HttpResult | null;
}

describe('faults', () => {
  let platform: TestPlatform;
  let referralDb: Client;
  let journeyDb: Client;
  let busy: RunningService;
  const tokens = {} as Record<string, string>;

  beforeAll(async () => {
    platform = await startPlatform(17400, 'faults');
    // an instance with a deliberately small pool and a short wait for a connection
    busy = await startService(
      'referral',
      17411,
      { DATABASE_URL: platform.databases.referral, KAFKA_BROKERS: process.env.KAFKA_BROKERS as string, INSTANCE_ID: 'referral-faults-small-pool', DATABASE_POOL_SIZE: '4', DATABASE_POOL_WAIT_MS: '300', ...testAuthEnv() },
      'referral-faults-small-pool',
    );
    referralDb = new Client({ connectionString: platform.databases.referral });
    await referralDb.connect();
    journeyDb = new Client({ connectionString: platform.databases['client-journey'] });
    await journeyDb.connect();
    await enrolAgencies(platform, [A, B].map((id) => ({ id, region: `ag-${run}` })));
    for (const agency of [A, B]) tokens[agency] = await tokenFor('caseworker', agency, `worker@${agency}`);
  }, 180000);

  afterAll(async () => {
    await referralDb?.end();
    await journeyDb?.end();
    await busy?.stop();
    await platform?.stop();
  });

  async function consentingClient(): Promise<string> {
    const id = await registerClient(platform, tokens[A]);
    await consentTo(platform, tokens[A], id, [B]);
    return id;
  }

  /** Sends one command as a careful client would: one key and one correlation id, retried after 503s and dropped connections. */
  async function send(method: string, url: string, token: string, body: unknown, attempts = 8): Promise<Outcome> {
    const key = randomUUID();
    const correlationId = `faults-${randomUUID()}`;
    const seen: Attempt[] = [];
    for (let i = 0; i < attempts; i += 1) {
      const result = await http(method, url, { token, body, headers: { 'idempotency-key': key, 'x-correlation-id': correlationId } }).catch(() => null);
      seen.push(result ? { status: result.status, code: result.body?.code } : { status: 'network-error' });
      if (result && result.status !== 503) return { correlationId, attempts: seen, final: result };
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.floor(Math.random() * 300)));
    }
    return { correlationId, attempts: seen, final: null };
  }

  /** Terminates every connection the service holds to its database, in waves, until told to stop (bounded). */
  function terminateWaves(db: Client, database: string, waves: number, everyMs: number): { stop(): Promise<number> } {
    let stopped = false;
    let terminated = 0;
    const done = (async () => {
      for (let wave = 0; wave < waves && !stopped; wave += 1) {
        const { rows } = await db.query(`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database]);
        terminated += rows[0].n;
        await new Promise((resolve) => setTimeout(resolve, everyMs));
      }
    })();
    return {
      async stop() {
        stopped = true;
        await done;
        return terminated;
      },
    };
  }

  const dbName = (url: string) => new URL(url).pathname.slice(1);

  it('answers every referral truly while PostgreSQL terminates the referral service’s connections', async () => {
    const clients: string[] = [];
    for (let i = 0; i < 24; i += 1) clients.push(await consentingClient());
    // the referral service knows each client's consent before the faults begin
    for (const clientId of clients) expect((await referWhenReady(platform, tokens[A], { clientId, fromAgencyId: A, toAgencyId: B, domain: 'housing' })).status).toBe(201);

    const waves = terminateWaves(referralDb, dbName(platform.databases.referral), 60, 40);
    const outcomes = await Promise.all(clients.map((clientId) => send('POST', platform.url('referral', '/referrals'), tokens[A], { clientId, fromAgencyId: A, toAgencyId: B, domain: 'training' })));
    const terminated = await waves.stop();
    expect(terminated).toBeGreaterThan(0);

    const all = outcomes.flatMap((o) => o.attempts);
    // no lost connection is ever a 500, and a retry never meets its own earlier work as a conflict
    expect(all.filter((a) => a.status === 500)).toEqual([]);
    expect(all.filter((a) => a.code === 'UA-5')).toEqual([]);
    for (const outcome of outcomes) expect(outcome.final?.status).toBe(201);

    const { rows } = await referralDb.query(`SELECT client_id, count(*)::int AS n, array_agg(id::text) AS ids FROM referral WHERE client_id = ANY($1) AND domain = 'training' GROUP BY client_id`, [clients]);
    expect(rows).toHaveLength(clients.length);
    for (const row of rows) expect(row.n).toBe(1);
    const answeredIds = new Set(outcomes.map((o) => o.final?.body.id));
    for (const row of rows) expect(answeredIds.has(row.ids[0])).toBe(true);

    // every answered attempt is in the audit trail: one allowed row per command, the rest refused or failed
    const audit = await referralDb.query(`SELECT correlation_id, outcome, reason FROM audit_log WHERE correlation_id = ANY($1)`, [outcomes.map((o) => o.correlationId)]);
    for (const outcome of outcomes) {
      const mine = audit.rows.filter((r) => r.correlation_id === outcome.correlationId);
      expect(mine.filter((r) => r.outcome === 'allowed' && r.reason !== 'IDEMPOTENT_REPLAY')).toHaveLength(1);
      // a request that failed (5xx) may not have reached the database to record itself; any other answer is on record
      const answered = outcome.attempts.filter((a) => typeof a.status === 'number' && a.status < 500).length;
      expect(mine.length).toBeGreaterThanOrEqual(answered);
    }
    expect(platform.services.referral.process.exitCode).toBeNull();
    expect((await http('GET', platform.url('referral', '/health'))).status).toBe(200);
  }, 180000);

  it('registers clients truly while PostgreSQL terminates client-journey’s connections', async () => {
    const waves = terminateWaves(journeyDb, dbName(platform.databases['client-journey']), 40, 40);
    const tag = randomUUID().slice(0, 8);
    const outcomes = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        send('POST', platform.url('client-journey', '/clients'), tokens[A], {
          name: `Fault Person${i} ${tag}`,
          dateOfBirth: `1990-01-${String(i + 10).padStart(2, '0')}`,
          contact: { email: `fault${i}.${tag}@example.org` },
          postcode: 'NB1 4QT',
        }),
      ),
    );
    await waves.stop();
    expect(outcomes.flatMap((o) => o.attempts).filter((a) => a.status === 500)).toEqual([]);
    for (const outcome of outcomes) expect(outcome.final?.status).toBe(201);
    const ids = outcomes.map((o) => o.final?.body.id);
    const { rows } = await journeyDb.query('SELECT count(*)::int AS n FROM client WHERE client_id = ANY($1)', [ids]);
    expect(rows[0].n).toBe(16);
    // a retry never met its own earlier registration as someone already registered
    expect(outcomes.flatMap((o) => o.attempts).filter((a) => a.code === 'CLIENT.ALREADY_REGISTERED')).toEqual([]);
    expect(platform.services['client-journey'].process.exitCode).toBeNull();
  }, 120000);

  it('gives a retried command its first answer (Idempotency-Key), and refuses the key for a different request', async () => {
    const clientId = await consentingClient();
    expect((await referWhenReady(platform, tokens[A], { clientId, fromAgencyId: A, toAgencyId: B, domain: 'housing' })).status).toBe(201);
    const key = randomUUID();
    const body = { clientId, fromAgencyId: A, toAgencyId: B, domain: 'training' };
    const headers = { 'idempotency-key': key };
    const first = await http('POST', platform.url('referral', '/referrals'), { token: tokens[A], body, headers });
    expect(first.status).toBe(201);
    const again = await fetch(platform.url('referral', '/referrals'), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[A]}`, ...headers }, body: JSON.stringify(body) });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    // the same answer to the byte: the same fields in the same order
    expect(await again.text()).toBe(JSON.stringify(first.body));
    // through another instance too: the key lives in the database
    expect(await http('POST', `${busy.url}/referrals`, { token: tokens[A], body, headers })).toEqual(first);

    const reused = await http('POST', platform.url('referral', '/referrals'), { token: tokens[A], body: { ...body, domain: 'addiction' }, headers });
    expect(reused).toMatchObject({ status: 422, body: { code: 'IDEMPOTENCY.KEY_REUSED' } });
    // another user's key is theirs: the same key from B is a new request (and refused on its merits)
    const otherUser = await http('POST', platform.url('referral', '/referrals'), { token: tokens[B], body, headers });
    expect(otherUser.status).toBe(403);
    // so is a user of the same id at another agency: a key never replays an answer to anyone else
    const sameIdElsewhere = await http('POST', platform.url('referral', '/referrals'), { token: await tokenFor('caseworker', B, `worker@${A}`), body, headers });
    expect(sameIdElsewhere).toMatchObject({ status: 403, body: { code: 'ACCESS.OTHER_AGENCY' } });
    const bad = await http('POST', platform.url('referral', '/referrals'), { token: tokens[A], body, headers: { 'idempotency-key': 'x'.repeat(300) } });
    expect(bad).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', errors: [expect.stringMatching(/^Idempotency-Key/)] } });

    // a lifecycle step retried after its answer was lost: the same answer, not an illegal transition
    const acceptKey = { 'idempotency-key': randomUUID() };
    const accepted = await http('POST', platform.url('referral', `/referrals/${first.body.id}/accept`), { token: tokens[B], headers: acceptKey });
    expect(accepted).toMatchObject({ status: 200, body: { status: 'accepted' } });
    expect(await http('POST', platform.url('referral', `/referrals/${first.body.id}/accept`), { token: tokens[B], headers: acceptKey })).toEqual(accepted);
    const { rows } = await referralDb.query(`SELECT count(*)::int AS n FROM decision WHERE referral_id = $1 AND command = 'accept'`, [first.body.id]);
    expect(rows[0].n).toBe(1);
  }, 120000);

  it('writes the audit row of an allowed command with it, and of a refusal before answering', async () => {
    const clientId = await consentingClient();
    const correlation = `audit-${randomUUID()}`;
    const created = await referWhenReady(platform, tokens[A], { clientId, fromAgencyId: A, toAgencyId: B, domain: 'housing' });
    expect(created.status).toBe(201);
    const allowed = await http('POST', platform.url('referral', `/referrals/${created.body.id}/accept`), { token: tokens[B], headers: { 'x-correlation-id': correlation } });
    expect(allowed.status).toBe(200);
    // no waiting: the row committed with the command
    const { rows } = await referralDb.query('SELECT outcome, status, record_id, request_id FROM audit_log WHERE correlation_id = $1', [correlation]);
    expect(rows).toEqual([{ outcome: 'allowed', status: 200, record_id: created.body.id, request_id: expect.any(String) }]);

    const refusedCorrelation = `audit-${randomUUID()}`;
    const refused = await http('POST', platform.url('referral', `/referrals/${created.body.id}/start`), { token: tokens[A], headers: { 'x-correlation-id': refusedCorrelation } });
    expect(refused.status).toBe(403);
    const { rows: refusedRows } = await referralDb.query('SELECT outcome, status, reason FROM audit_log WHERE correlation_id = $1', [refusedCorrelation]);
    expect(refusedRows).toEqual([{ outcome: 'refused', status: 403, reason: refused.body.code }]);

    // a refusal by the agreement keeps its decision on record, committed with its audit row
    const ua = `audit-${randomUUID()}`;
    const duplicate = await http('POST', platform.url('referral', '/referrals'), { token: tokens[A], body: { clientId, fromAgencyId: A, toAgencyId: B, domain: 'housing' }, headers: { 'x-correlation-id': ua } });
    expect(duplicate).toMatchObject({ status: 409, body: { code: expect.stringMatching(/^UA-/) } });
    const { rows: uaRows } = await referralDb.query('SELECT outcome, status, reason, request_id FROM audit_log WHERE correlation_id = $1', [ua]);
    expect(uaRows).toEqual([{ outcome: 'refused', status: 409, reason: duplicate.body.code, request_id: expect.any(String) }]);
  }, 120000);

  it('lets requests racing on one client wait their turn without starving a small pool', async () => {
    const clientId = await consentingClient();
    expect((await referWhenReady(platform, tokens[A], { clientId, fromAgencyId: A, toAgencyId: B, domain: 'housing' }, `${busy.url}/referrals`)).status).toBe(201);
    // 40 at once on one client, on an instance with 4 connections that waits 300 ms for one
    const results = await Promise.all(
      Array.from({ length: 40 }, () => http('POST', `${busy.url}/referrals`, { token: tokens[A], body: { clientId, fromAgencyId: A, toAgencyId: B, domain: 'employer-placement' } })),
    );
    const statuses = results.map((r) => `${r.status} ${r.body?.code ?? ''}`.trim());
    expect(statuses.filter((s) => s.startsWith('503'))).toEqual([]);
    expect(statuses.filter((s) => s === '201')).toHaveLength(1);
    expect(statuses.filter((s) => s === '409 UA-5')).toHaveLength(39);
  }, 120000);
});
