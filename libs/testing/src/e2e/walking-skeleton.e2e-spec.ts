import { randomUUID } from 'node:crypto';
import { TOPICS } from '@umbrella/contracts';
import {
  consentTo,
  controlTestKafka,
  enrolAgencies,
  http,
  projectedReferrals,
  referWhenReady,
  registerClient,
  readTopic,
  SERVICE_NAMES,
  spawnService,
  startPlatform,
  testAuthEnv,
  TestPlatform,
  testServiceEnv,
  tokenFor,
  usesOwnTestKafka,
  waitFor,
} from '../index';

/**
 * One referral followed across the four running services, over the real broker and databases,
 * plus the faults the platform must ride out.
 */
const run = randomUUID().slice(0, 8);
const north = `e2e-${run}-jobcentre`;
const college = `e2e-${run}-college`;
const brokers = () => process.env.KAFKA_BROKERS as string;

describe('walking skeleton: one referral through all four services', () => {
  let platform: TestPlatform;
  const tokens = {} as Record<'coordinator' | 'northCaseworker' | 'collegeCaseworker' | 'analyst', string>;

  beforeAll(async () => {
    platform = await startPlatform(13000, 'e2e');
    tokens.coordinator = await tokenFor('coordinator');
    tokens.northCaseworker = await tokenFor('caseworker', north, 'jane.north');
    tokens.collegeCaseworker = await tokenFor('caseworker', college, 'sam.college');
    tokens.analyst = await tokenFor('analyst');
    await enrolAgencies(platform, [
      { id: north, stakeholderType: 'public-employment-service', region: `e2e-${run}` },
      { id: college, stakeholderType: 'education-or-training-provider', region: `e2e-${run}` },
    ]);
  }, 120000);

  /** A client registered at the jobcentre who consented to sharing with the college (UA-2). */
  async function newClient(): Promise<string> {
    const clientId = await registerClient(platform, tokens.northCaseworker);
    await consentTo(platform, tokens.northCaseworker, clientId, [college]);
    return clientId;
  }

  afterAll(async () => {
    // A graceful stop drains consumers and the relay, then re-raises SIGTERM (Nest's shutdown hooks).
    const exits = await platform.stop();
    for (const exit of exits) expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
  });

  // The referral service learns agencies, signatures and consent from events: its read models may lag a moment.
  const requestReferral = (body: Record<string, unknown>, token = tokens.northCaseworker) => referWhenReady(platform, token, body);

  it('reports every service healthy without a token, with its OpenAPI document', async () => {
    for (const name of SERVICE_NAMES) {
      const ready = { status: 200, body: { status: 'up', checks: { database: { status: 'up' }, kafka: { status: 'up' } } } };
      expect(await http('GET', platform.url(name, '/health/ready'))).toEqual(ready);
      expect(await http('GET', platform.url(name, '/health'))).toEqual(ready);
      expect(await http('GET', platform.url(name, '/health/live'))).toEqual({ status: 200, body: { status: 'up' } });
      const docs = await http('GET', platform.url(name, '/docs-json'));
      expect(docs.status).toBe(200);
      expect(docs.body.openapi).toMatch(/^3\./);
    }
    const referralDocs = await http('GET', platform.url('referral', '/docs-json'));
    expect(Object.keys(referralDocs.body.paths)).toEqual(expect.arrayContaining(['/referrals', '/referrals/{id}', '/health', '/audit', '/dead-letters']));
  });

  it('carries a referral created over HTTP to client-journey and reporting over Kafka', async () => {
    const clientId = await newClient();
    const created = await requestReferral({ clientId, fromAgencyId: north, toAgencyId: college, domain: 'training' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ clientId, fromAgencyId: north, toAgencyId: college, domain: 'training', status: 'requested' });

    const entry = await waitFor(async () => {
      const res = await http('GET', platform.url('client-journey', `/clients/${clientId}/journey`), { token: tokens.collegeCaseworker });
      return res.body?.entries?.find((e: { type: string }) => e.type === 'ReferralRequested');
    }, { what: 'the journey entry', timeoutMs: 10000, intervalMs: 50 });
    expect(entry).toMatchObject({ agencyIds: [north, college], details: { referralId: created.body.id } });

    // (a report would not publish a count of one client: the projection itself is read)
    await waitFor(async () => ((await projectedReferrals(platform, { referralId: created.body.id }))[0]?.toAgencyId === college ? true : undefined), { what: 'the reporting projection', timeoutMs: 10000, intervalMs: 50 });

    const fetched = await http('GET', platform.url('referral', `/referrals/${created.body.id}`), { token: tokens.collegeCaseworker });
    expect(fetched).toEqual({ status: 200, body: created.body });
    const listed = await http('GET', platform.url('referral', `/referrals?clientId=${clientId}`), { token: tokens.collegeCaseworker });
    expect(listed.body.map((r: { id: string }) => r.id)).toEqual([created.body.id]);
  });

  it('publishes the envelope on the topic, keyed by client, with the actor and no personal data', async () => {
    const clientId = await newClient();
    const created = await requestReferral({ clientId, fromAgencyId: north, toAgencyId: college, domain: 'health' });
    expect(created.status).toBe(201);
    const messages = await readTopic(brokers(), TOPICS.referrals.name, (m) => m.some((x) => x.key === clientId && x.headers['event-type'] === 'ReferralRequested'));
    const message = messages.find((x) => x.key === clientId && x.headers['event-type'] === 'ReferralRequested')!;
    const envelope = JSON.parse(message.value!);
    expect(envelope).toEqual({
      eventId: message.headers['event-id'],
      type: 'ReferralRequested',
      schemaVersion: 2,
      occurredAt: expect.any(String),
      producer: 'referral',
      correlationId: expect.any(String),
      causationId: null,
      key: clientId,
      agreementVersion: '1',
      actor: { userId: 'jane.north', agencyId: north, role: 'caseworker' },
      data: {
        referralId: created.body.id,
        clientId,
        fromAgencyId: north,
        toAgencyId: college,
        domain: 'health',
        requestedAt: created.body.requestedAt,
        respondBy: created.body.respondBy,
        waitlisted: false,
        handsOverLead: false,
      },
    });
  });

  it('answers bad input with 400 listing each bad field, never 500', async () => {
    const url = platform.url('referral', '/referrals');
    const token = tokens.northCaseworker;
    const malformed = await http('POST', url, { raw: '{"clientId": ', token });
    expect(malformed).toEqual({ status: 400, body: { statusCode: 400, code: 'MALFORMED_JSON', message: 'The request body is not valid JSON.' } });

    const wrong = await http('POST', url, { body: { clientId: 'Jane Doe', fromAgencyId: north, domain: 'astrology', nationalId: 'AB123456C' }, token });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('VALIDATION_FAILED');
    const fields = wrong.body.errors.map((e: string) => e.split(':')[0]);
    expect(new Set(fields)).toEqual(new Set(['nationalId', 'clientId', 'toAgencyId', 'domain']));

    const wrongType = await http('POST', url, { body: { clientId: 'c-1', fromAgencyId: 7, toAgencyId: college, domain: 'training' }, token });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors).toContain('fromAgencyId: fromAgencyId must be a string');
    expect((await http('POST', url, { body: [1, 2], token })).status).toBe(400);
    expect((await http('POST', url, { raw: 'x'.repeat(300_000), token })).status).toBe(413);
    expect((await http('GET', platform.url('referral', '/referrals/not-a-uuid'), { token })).status).toBe(400);
    expect((await http('GET', platform.url('referral', '/referrals?clientId=Jane%20Doe'), { token })).status).toBe(400);
    expect((await http('GET', platform.url('reporting', '/reports/referrals?from=2026-12-01&to=2026-01-01'), { token: tokens.analyst })).body.code).toBe(
      'REPORT.INVERTED_PERIOD',
    );
    expect((await http('GET', platform.url('reporting', '/reports/referrals?domain=astrology'), { token: tokens.analyst })).status).toBe(400);
    expect((await http('GET', platform.url('client-journey', '/clients/Jane%20Doe/journey'), { token })).status).toBe(400);
    const again = await http('POST', platform.url('agency-directory', '/agencies'), { body: { id: north, name: 'Again', stakeholderType: 'ngo', region: 'x' }, token: tokens.coordinator });
    expect(again.body.code).toBe('AGENCY.ALREADY_REGISTERED');
    const self = await requestReferral({ clientId: await newClient(), fromAgencyId: north, toAgencyId: north, domain: 'training' });
    expect(self.body).toMatchObject({ statusCode: 422, code: 'REFERRAL.SAME_AGENCY' });
  });

  it('refuses to start on bad configuration, naming the variable', async () => {
    const child = spawnService('referral', { PORT: 'abc', DATABASE_URL: 'mysql://nope', KAFKA_BROKERS: brokers(), AUTH_ISSUER: 'x', AUTH_AUDIENCE: 'y' }, 'referral-bad-config');
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(78);
    expect(stderr).toMatch(/PORT must be an integer/);
    expect(stderr).toMatch(/DATABASE_URL must look like/);
    expect(stderr).toMatch(/AUTH_PUBLIC_KEY_FILE must be set/);
  });

  it('refuses a headers timeout that does not exceed the keep-alive timeout', async () => {
    const child = spawnService(
      'referral',
      { PORT: '13019', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere', KAFKA_BROKERS: brokers(), ...testAuthEnv(), HTTP_KEEP_ALIVE_TIMEOUT_MS: '70000', HTTP_HEADERS_TIMEOUT_MS: '60000' },
      'referral-bad-timeouts',
    );
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(78);
    expect(stderr).toMatch(/HTTP_HEADERS_TIMEOUT_MS must be greater than HTTP_KEEP_ALIVE_TIMEOUT_MS/);
  });

  it('keeps idle connections open longer than a load balancer would (HTTP_KEEP_ALIVE_TIMEOUT_MS, default 65 s)', async () => {
    for (const name of SERVICE_NAMES) {
      const res = await fetch(platform.url(name, '/health/live'));
      await res.text();
      expect(res.headers.get('keep-alive')).toBe('timeout=65');
    }
  });

  it('starts while PostgreSQL is unreachable, stays up, live but not ready', async () => {
    const child = spawnService(
      'client-journey',
      { PORT: '13013', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere', KAFKA_BROKERS: brokers(), ...testAuthEnv(), ...testServiceEnv('client-journey') },
      'journey-no-db',
    );
    try {
      const health = await waitFor(async () => {
        const res = await http('GET', 'http://127.0.0.1:13013/health/ready');
        return res.status === 503 ? res.body : undefined;
      }, { what: 'readiness to answer', timeoutMs: 30000 });
      expect(health).toMatchObject({ status: 'down', checks: { database: { status: 'down' } } });
      expect(await http('GET', 'http://127.0.0.1:13013/health')).toMatchObject({ status: 503 });
      expect(await http('GET', 'http://127.0.0.1:13013/health/live')).toEqual({ status: 200, body: { status: 'up' } });
      expect(child.exitCode).toBeNull();
      const journey = await http('GET', 'http://127.0.0.1:13013/clients/c-123/journey', { token: tokens.northCaseworker });
      expect(journey).toMatchObject({ status: 503, body: { code: 'SERVICE_UNAVAILABLE' } });
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });

  (usesOwnTestKafka() ? it : it.skip)('accepts a referral while Kafka is down, stays ready, and delivers its event when Kafka returns', async () => {
    const clientId = await newClient();
    // a first referral proves the referral service already knows this client's consent
    expect((await requestReferral({ clientId, fromAgencyId: north, toAgencyId: college, domain: 'housing' })).status).toBe(201);
    await controlTestKafka('stop');
    try {
      const created = await http('POST', platform.url('referral', '/referrals'), {
        body: { clientId, fromAgencyId: north, toAgencyId: college, domain: 'addiction' },
        token: tokens.northCaseworker,
      });
      expect(created.status).toBe(201);
      // Kafka down is reported, but the outbox still accepts work: the service stays in rotation.
      const ready = await waitFor(async () => {
        const res = await http('GET', platform.url('referral', '/health/ready'));
        return res.body?.checks?.kafka?.status === 'down' ? res : undefined;
      }, { what: 'readiness to report Kafka down', timeoutMs: 15000 });
      expect(ready).toEqual({ status: 200, body: { status: 'degraded', checks: { database: { status: 'up' }, kafka: { status: 'down' } } } });
      expect(await http('GET', platform.url('referral', '/health'))).toMatchObject({ status: 200, body: { status: 'degraded' } });
      expect(await http('GET', platform.url('referral', '/health/live'))).toEqual({ status: 200, body: { status: 'up' } });
    } finally {
      await controlTestKafka('start');
    }
    await waitFor(async () => {
      const res = await http('GET', platform.url('client-journey', `/clients/${clientId}/journey`), { token: tokens.northCaseworker });
      return res.body?.entries?.some((e: { type: string; details: { domain?: string } }) => e.type === 'ReferralRequested' && e.details.domain === 'addiction') ? true : undefined;
    }, { what: 'the event to arrive after Kafka returned', timeoutMs: 60000, intervalMs: 250 });
  }, 120000);
});
