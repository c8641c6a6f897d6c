import { randomUUID } from 'node:crypto';
import { TOPICS } from '@umbrella/contracts';
import { controlTestKafka, readTopic, recreateTestDatabase, RunningService, spawnService, startService, usesOwnTestKafka, waitFor } from '../index';

/**
 * One referral followed across the four running services, over the real broker and databases,
 * plus the faults the platform must ride out.
 */
const run = randomUUID().slice(0, 8);
const north = `e2e-${run}-jobcentre`;
const college = `e2e-${run}-college`;
const brokers = () => process.env.KAFKA_BROKERS as string;

const PORTS = { referral: 13001, 'agency-directory': 13002, 'client-journey': 13003, reporting: 13004 } as const;
type Name = keyof typeof PORTS;

async function json(method: string, url: string, body?: unknown, raw?: string) {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

describe('walking skeleton: one referral through all four services', () => {
  const services = {} as Record<Name, RunningService>;
  const databases = {} as Record<Name, string>;

  beforeAll(async () => {
    for (const name of Object.keys(PORTS) as Name[]) {
      databases[name] = await recreateTestDatabase(`umbrella_${name.replace('-', '_')}_e2e_test`);
    }
    await Promise.all(
      (Object.keys(PORTS) as Name[]).map(async (name) => {
        services[name] = await startService(name, PORTS[name], { DATABASE_URL: databases[name], KAFKA_BROKERS: brokers(), INSTANCE_ID: `${name}-e2e` });
      }),
    );
  }, 120000);

  afterAll(async () => {
    // A graceful stop drains consumers and the relay, then re-raises SIGTERM (Nest's shutdown hooks).
    const exits = await Promise.all(Object.values(services).map((s) => s.stop()));
    for (const exit of exits) expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
  });

  const url = (name: Name, path: string) => `${services[name].url}${path}`;

  async function requestReferral(body: Record<string, unknown>) {
    // The referral service learns agencies from the directory's events: its read model may lag a moment.
    return waitFor(async () => {
      const res = await json('POST', url('referral', '/referrals'), body);
      return res.body?.code === 'REFERRAL.UNKNOWN_AGENCY' ? undefined : res;
    }, { what: 'the referral service to know the agencies', timeoutMs: 30000, intervalMs: 200 });
  }

  it('reports every service healthy, with its OpenAPI document', async () => {
    for (const name of Object.keys(PORTS) as Name[]) {
      const health = await json('GET', url(name, '/health'));
      expect(health).toEqual({ status: 200, body: { status: 'up', checks: { database: { status: 'up' }, kafka: { status: 'up' } } } });
      const docs = await json('GET', url(name, '/docs-json'));
      expect(docs.status).toBe(200);
      expect(docs.body.openapi).toMatch(/^3\./);
    }
    const referralDocs = await json('GET', url('referral', '/docs-json'));
    expect(Object.keys(referralDocs.body.paths)).toEqual(expect.arrayContaining(['/referrals', '/referrals/{id}', '/health']));
  });

  it('carries a referral created over HTTP to client-journey and reporting over Kafka', async () => {
    for (const agency of [
      { id: north, name: 'E2E Jobcentre', stakeholderType: 'public-employment-service', region: `e2e-${run}` },
      { id: college, name: 'E2E College', stakeholderType: 'education-or-training-provider', region: `e2e-${run}` },
    ]) {
      expect((await json('POST', url('agency-directory', '/agencies'), agency)).status).toBe(201);
    }
    const clientId = `c-${run}-1`;
    const created = await requestReferral({ clientId, fromAgencyId: north, toAgencyId: college, domain: 'training' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ clientId, fromAgencyId: north, toAgencyId: college, domain: 'training', status: 'requested' });
    const started = Date.now();

    const journey = await waitFor(async () => {
      const res = await json('GET', url('client-journey', `/clients/${clientId}/journey`));
      return res.body?.entries?.length === 1 ? res.body : undefined;
    }, { what: 'the journey entry', timeoutMs: 10000, intervalMs: 50 });
    expect(journey.entries[0]).toMatchObject({ type: 'ReferralRequested', agencyIds: [north, college], details: { referralId: created.body.id } });

    await waitFor(async () => {
      const res = await json('GET', url('reporting', '/reports/referrals?domain=training'));
      return res.body?.byReceivingAgency?.[college] === 1 ? true : undefined;
    }, { what: 'the reporting projection', timeoutMs: 10000, intervalMs: 50 });
    expect(Date.now() - started).toBeLessThan(5000);

    const fetched = await json('GET', url('referral', `/referrals/${created.body.id}`));
    expect(fetched).toEqual({ status: 200, body: created.body });
    const listed = await json('GET', url('referral', `/referrals?agencyId=${college}`));
    expect(listed.body.map((r: { id: string }) => r.id)).toEqual([created.body.id]);
  });

  it('publishes the envelope on the topic, keyed by client, with no personal data', async () => {
    const clientId = `c-${run}-2`;
    const created = await requestReferral({ clientId, fromAgencyId: north, toAgencyId: college, domain: 'health' });
    expect(created.status).toBe(201);
    const messages = await readTopic(brokers(), TOPICS.referrals.name, (m) => m.some((x) => x.key === clientId));
    const message = messages.find((x) => x.key === clientId)!;
    const envelope = JSON.parse(message.value!);
    expect(envelope).toEqual({
      eventId: message.headers['event-id'],
      type: 'ReferralRequested',
      schemaVersion: 1,
      occurredAt: expect.any(String),
      producer: 'referral',
      correlationId: expect.any(String),
      causationId: null,
      key: clientId,
      data: { referralId: created.body.id, clientId, fromAgencyId: north, toAgencyId: college, domain: 'health', requestedAt: created.body.requestedAt },
    });
  });

  it('answers bad input with 400 listing each bad field, never 500', async () => {
    const malformed = await json('POST', url('referral', '/referrals'), undefined, '{"clientId": ');
    expect(malformed).toEqual({ status: 400, body: { statusCode: 400, code: 'MALFORMED_JSON', message: 'The request body is not valid JSON.' } });

    const wrong = await json('POST', url('referral', '/referrals'), { clientId: 'Jane Doe', fromAgencyId: 7, domain: 'astrology', nationalId: 'AB123456C' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('VALIDATION_FAILED');
    const fields = wrong.body.errors.map((e: string) => e.split(':')[0]);
    expect(new Set(fields)).toEqual(new Set(['nationalId', 'clientId', 'fromAgencyId', 'toAgencyId', 'domain']));

    expect((await json('POST', url('referral', '/referrals'), [1, 2])).status).toBe(400);
    expect((await json('GET', url('referral', '/referrals/not-a-uuid'))).status).toBe(400);
    expect((await json('GET', url('referral', `/referrals/${randomUUID()}`))).body).toMatchObject({ statusCode: 404, code: 'REFERRAL.NOT_FOUND' });
    expect((await json('GET', url('referral', '/referrals?clientId=Jane%20Doe'))).status).toBe(400);
    expect((await json('GET', url('reporting', '/reports/referrals?from=2026-12-01&to=2026-01-01'))).body.code).toBe('REPORT.INVERTED_PERIOD');
    expect((await json('GET', url('reporting', '/reports/referrals?domain=astrology'))).status).toBe(400);
    expect((await json('GET', url('client-journey', '/clients/Jane%20Doe/journey'))).status).toBe(400);
    expect((await json('POST', url('agency-directory', '/agencies'), { id: north, name: 'Again', stakeholderType: 'ngo', region: 'x' })).body.code).toBe(
      'AGENCY.ALREADY_REGISTERED',
    );
    const self = await requestReferral({ clientId: `c-${run}-3`, fromAgencyId: north, toAgencyId: north, domain: 'training' });
    expect(self.body).toMatchObject({ statusCode: 422, code: 'REFERRAL.SAME_AGENCY' });
  });

  it('refuses to start on bad configuration, naming the variable', async () => {
    const child = spawnService('referral', { PORT: 'abc', DATABASE_URL: 'mysql://nope', KAFKA_BROKERS: brokers() }, 'referral-bad-config');
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(78);
    expect(stderr).toMatch(/PORT must be an integer/);
    expect(stderr).toMatch(/DATABASE_URL must look like/);
  });

  it('starts while PostgreSQL is unreachable, stays up and reports itself down', async () => {
    const child = spawnService('client-journey', { PORT: '13013', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere', KAFKA_BROKERS: brokers() }, 'journey-no-db');
    try {
      const health = await waitFor(async () => {
        const res = await json('GET', 'http://127.0.0.1:13013/health');
        return res.status === 503 ? res.body : undefined;
      }, { what: 'health to answer', timeoutMs: 30000 });
      expect(health.checks.database).toEqual({ status: 'down' });
      expect(child.exitCode).toBeNull();
      expect((await json('GET', 'http://127.0.0.1:13013/clients/c-123/journey')).body.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });

  (usesOwnTestKafka() ? it : it.skip)('accepts a referral while Kafka is down and delivers its event when Kafka returns', async () => {
    const clientId = `c-${run}-4`;
    await requestReferral({ clientId: `c-${run}-warm`, fromAgencyId: north, toAgencyId: college, domain: 'housing' });
    controlTestKafka('stop');
    try {
      const created = await json('POST', url('referral', '/referrals'), { clientId, fromAgencyId: north, toAgencyId: college, domain: 'addiction' });
      expect(created.status).toBe(201);
      const health = await waitFor(async () => {
        const res = await json('GET', url('referral', '/health'));
        return res.status === 503 ? res.body : undefined;
      }, { what: 'health to report Kafka down', timeoutMs: 15000 });
      expect(health.checks).toEqual({ database: { status: 'up' }, kafka: { status: 'down' } });
    } finally {
      controlTestKafka('start');
    }
    await waitFor(async () => {
      const res = await json('GET', url('client-journey', `/clients/${clientId}/journey`));
      return res.body?.entries?.length === 1 ? true : undefined;
    }, { what: 'the event to arrive after Kafka returned', timeoutMs: 60000, intervalMs: 250 });
  }, 120000);
});
