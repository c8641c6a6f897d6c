import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { Client } from 'pg';
import { TOPICS } from '@umbrella/contracts';
import { consentTo, enrolAgencies, http, otherKey, readTopic, referWhenReady, registerClient, SERVICE_NAMES, ServiceName, startPlatform, testPublicKeyPem, TestPlatform, token, tokenFor, unsignedToken, waitFor } from '../index';

/**
 * Identity and agency-scoped access on the running services: every token problem is a 401, every
 * role on every endpoint is allowed or refused as the access policies say, and the audit trail
 * records both.
 */
const run = randomUUID().slice(0, 8);
const A = `acc-${run}-a`;
const B = `acc-${run}-b`;
const C = `acc-${run}-c`;
const ROLES = ['caseworker', 'agency-admin', 'coordinator', 'analyst', 'operator'] as const;
type Role = (typeof ROLES)[number];

describe('identity and access', () => {
  let platform: TestPlatform;
  let referralId: string;
  let clientId: string;
  /** A second client, who consented to agency C: the matrix refers them from A to C. */
  let matrixClient: string;

  beforeAll(async () => {
    platform = await startPlatform(14000, 'access');
    await enrolAgencies(platform, [A, B, C].map((id) => ({ id, region: `acc-${run}` })));
    const aCaseworker = await tokenFor('caseworker', A);
    clientId = await registerClient(platform, aCaseworker);
    await consentTo(platform, aCaseworker, clientId, [B]);
    matrixClient = await registerClient(platform, aCaseworker);
    await consentTo(platform, aCaseworker, matrixClient, [C]);
    const created = await referWhenReady(platform, aCaseworker, { clientId, fromAgencyId: A, toAgencyId: B, domain: 'training' });
    expect(created.status).toBe(201);
    referralId = created.body.id;
    // the matrix's referral to C must not wait for read models either
    expect((await referWhenReady(platform, aCaseworker, { clientId: matrixClient, fromAgencyId: A, toAgencyId: C, domain: 'addiction' })).status).toBe(201);
    await waitFor(async () => {
      const res = await http('GET', platform.url('client-journey', `/clients/${clientId}/journey`), { token: await tokenFor('caseworker', A) });
      return res.status === 200 ? true : undefined;
    }, { what: 'client-journey to see the referral' });
  }, 120000);

  afterAll(async () => {
    await platform?.stop();
  });

  describe('tokens', () => {
    const target = () => platform.url('referral', '/referrals');

    it.each([
      ['no Authorization header', async () => undefined, 'AUTH.TOKEN_MISSING'],
      ['a header that is not a bearer token', async () => 'Basic dXNlcjpwYXNz', 'AUTH.TOKEN_MALFORMED'],
      ['a bearer token that is not a JWT', async () => 'Bearer not-a-jwt', 'AUTH.TOKEN_MALFORMED'],
      ['an expired token', async () => `Bearer ${await token({ roles: ['caseworker'], agencyId: A, expiresIn: -60 })}`, 'AUTH.TOKEN_EXPIRED'],
      ['a token signed by another key', async () => `Bearer ${await token({ roles: ['caseworker'], agencyId: A, signingKey: otherKey() })}`, 'AUTH.TOKEN_SIGNATURE_INVALID'],
      ['a token from another issuer', async () => `Bearer ${await token({ roles: ['caseworker'], agencyId: A, issuer: 'https://evil.example' })}`, 'AUTH.TOKEN_ISSUER_INVALID'],
      ['a token for another audience', async () => `Bearer ${await token({ roles: ['caseworker'], agencyId: A, audience: 'another-api' })}`, 'AUTH.TOKEN_AUDIENCE_INVALID'],
      [
        'a tampered token (payload changed after signing)',
        async () => {
          const [h, , s] = (await tokenFor('caseworker', A)).split('.');
          const forged = Buffer.from(JSON.stringify({ sub: 'x', roles: ['coordinator'], iss: 'urn:umbrella:test-idp', aud: 'umbrella-test', exp: 9999999999 })).toString('base64url');
          return `Bearer ${h}.${forged}.${s}`;
        },
        'AUTH.TOKEN_SIGNATURE_INVALID',
      ],
      ['an unsigned token (alg none)', async () => `Bearer ${unsignedToken({ sub: 'x', roles: ['coordinator'], exp: 9999999999 })}`, 'AUTH.TOKEN_MALFORMED'],
      [
        'an HS256 token keyed with the public key (algorithm confusion)',
        async () =>
          `Bearer ${await new SignJWT({ roles: ['coordinator'] })
            .setProtectedHeader({ alg: 'HS256' })
            .setSubject('x')
            .setIssuer('urn:umbrella:test-idp')
            .setAudience('umbrella-test')
            .setExpirationTime('1h')
            .sign(new TextEncoder().encode(testPublicKeyPem()))}`,
        'AUTH.TOKEN_SIGNATURE_INVALID',
      ],
    ])('refuses %s with 401', async (_what, header, code) => {
      const authorization = await header();
      const res = await fetch(target(), { headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ statusCode: 401, code });
    });

    it('lets the health probes through without a token', async () => {
      for (const name of SERVICE_NAMES) {
        for (const probe of ['/health', '/health/live', '/health/ready']) expect((await http('GET', platform.url(name, probe))).status).toBe(200);
      }
    });
  });

  describe('authorization matrix', () => {
    interface Case {
      readonly service: ServiceName;
      readonly method: string;
      readonly path: () => string;
      readonly body?: (role: Role, agency: string | undefined) => unknown;
      /** The agency the role acts for, when not agency A. */
      readonly agency?: (role: Role) => string | undefined;
      /** The roles allowed, acting for agency A. */
      readonly allowed: readonly Role[];
    }
    // An agency admin registers its own (new) agency; everyone else tries to register some agency.
    const newAgencyId = () => `acc-${run}-${randomUUID().slice(0, 6)}`;
    const newAgency = (_role: Role, agency: string | undefined) => ({ id: agency ?? newAgencyId(), name: 'New', stakeholderType: 'ngo', region: `acc-${run}` });
    const cases: Case[] = [
      { service: 'referral', method: 'POST', path: () => '/referrals', body: () => ({ clientId: matrixClient, fromAgencyId: A, toAgencyId: C, domain: 'housing' }), allowed: ['caseworker'] },
      { service: 'referral', method: 'GET', path: () => '/referrals', allowed: ['caseworker', 'agency-admin'] },
      { service: 'referral', method: 'GET', path: () => `/referrals/${referralId}`, allowed: ['caseworker', 'agency-admin'] },
      {
        service: 'agency-directory',
        method: 'POST',
        path: () => '/agencies',
        body: newAgency,
        agency: (role) => (['caseworker', 'agency-admin'].includes(role) ? newAgencyId() : undefined),
        allowed: ['coordinator', 'agency-admin'],
      },
      { service: 'agency-directory', method: 'GET', path: () => '/agencies', allowed: [...ROLES] },
      { service: 'agency-directory', method: 'GET', path: () => `/agencies/${A}`, allowed: [...ROLES] },
      { service: 'client-journey', method: 'GET', path: () => `/clients/${clientId}/journey`, allowed: ['caseworker'] },
      { service: 'client-journey', method: 'GET', path: () => `/clients/${clientId}`, allowed: ['caseworker'] },
      { service: 'client-journey', method: 'GET', path: () => `/clients/${clientId}/notes`, allowed: ['caseworker'] },
      { service: 'client-journey', method: 'POST', path: () => `/clients/${clientId}/notes`, body: () => ({ text: 'Prefers mornings.' }), allowed: ['caseworker'] },
      { service: 'client-journey', method: 'GET', path: () => `/clients/${clientId}/audit`, allowed: ['caseworker'] },
      { service: 'referral', method: 'GET', path: () => `/clients/${clientId}/case`, allowed: ['caseworker'] },
      { service: 'reporting', method: 'GET', path: () => '/reports/referrals', allowed: ['analyst', 'coordinator'] },
      ...SERVICE_NAMES.flatMap((service): Case[] => [
        { service, method: 'GET', path: () => '/dead-letters', allowed: ['operator'] },
        { service, method: 'GET', path: () => '/metrics', allowed: ['operator'] },
        { service, method: 'GET', path: () => '/audit', allowed: ['coordinator'] },
      ]),
    ];

    for (const c of cases) {
      for (const role of ROLES) {
        const allowed = c.allowed.includes(role);
        const label = c.path.toString().replace(/^\(\) => /, '').replace(/[`']/g, '');
        it(`${c.service} ${c.method} ${label} as ${role} is ${allowed ? 'allowed' : 'refused'}`, async () => {
          const agency = c.agency ? c.agency(role) : ['caseworker', 'agency-admin'].includes(role) ? A : undefined;
          const res = await http(c.method, platform.url(c.service, c.path()), { token: await tokenFor(role, agency), body: c.body?.(role, agency) });
          if (allowed) {
            expect([200, 201]).toContain(res.status);
          } else {
            expect(res.status).toBe(403);
            expect(res.body.code).toMatch(/^ACCESS\./);
          }
        });
      }
    }

    // An agency-admin may manage only its own agency: registering agency A is allowed, another is not.
    it('lets an agency-admin manage only its own agency', async () => {
      const other = await http('POST', platform.url('agency-directory', '/agencies'), {
        token: await tokenFor('agency-admin', A),
        body: { id: `acc-${run}-other`, name: 'Other', stakeholderType: 'ngo', region: 'x' },
      });
      expect(other.body).toMatchObject({ statusCode: 403, code: 'ACCESS.OTHER_AGENCY' });
    });
  });

  describe('agency scope', () => {
    it('refuses a caseworker of agency B acting for agency A', async () => {
      const res = await http('POST', platform.url('referral', '/referrals'), {
        token: await tokenFor('caseworker', B),
        body: { clientId: `c-${run}-x`, fromAgencyId: A, toAgencyId: C, domain: 'housing' },
      });
      expect(res).toEqual({ status: 403, body: { statusCode: 403, code: 'ACCESS.OTHER_AGENCY', message: 'You may only refer clients on behalf of your own agency.' } });
    });

    it("hides a referral from an agency it does not concern, exactly as if it did not exist", async () => {
      const cToken = await tokenFor('caseworker', C);
      const notTheirs = await http('GET', platform.url('referral', `/referrals/${referralId}`), { token: cToken });
      const missing = await http('GET', platform.url('referral', `/referrals/${randomUUID()}`), { token: cToken });
      expect(notTheirs).toEqual({ status: 403, body: { statusCode: 403, code: 'ACCESS.DENIED', message: 'You are not allowed to do this.' } });
      expect(missing).toEqual(notTheirs);
      expect((await http('GET', platform.url('referral', `/referrals/${referralId}`), { token: await tokenFor('caseworker', B) })).status).toBe(200);
    });

    it("lists only the referrals an agency sent or received, and refuses another agency's list", async () => {
      const c = await http('GET', platform.url('referral', '/referrals'), { token: await tokenFor('caseworker', C) });
      expect(c.body.every((r: { fromAgencyId: string; toAgencyId: string }) => r.fromAgencyId === C || r.toAgencyId === C)).toBe(true);
      expect(c.body.some((r: { id: string }) => r.id === referralId)).toBe(false);
      const b = await http('GET', platform.url('referral', '/referrals'), { token: await tokenFor('caseworker', B) });
      expect(b.body.map((r: { id: string }) => r.id)).toContain(referralId);
      const spying = await http('GET', platform.url('referral', `/referrals?agencyId=${A}`), { token: await tokenFor('caseworker', C) });
      expect(spying.body.code).toBe('ACCESS.OTHER_AGENCY');
    });

    it('shows a client only to agencies with an open referral for them, and never says whether a client exists', async () => {
      const byA = await http('GET', platform.url('client-journey', `/clients/${clientId}/journey`), { token: await tokenFor('caseworker', A) });
      const byB = await http('GET', platform.url('client-journey', `/clients/${clientId}/journey`), { token: await tokenFor('caseworker', B) });
      expect([byA.status, byB.status]).toEqual([200, 200]);
      const cToken = await tokenFor('caseworker', C);
      const hidden = await http('GET', platform.url('client-journey', `/clients/${clientId}/journey`), { token: cToken });
      const unknown = await http('GET', platform.url('client-journey', `/clients/c-${run}-nobody/journey`), { token: cToken });
      expect(unknown.status).toBe(403);
      expect(hidden).toEqual({ status: 403, body: { statusCode: 403, code: 'ACCESS.CLIENT_NOT_VISIBLE', message: 'Your agency may not see this client.' } });
      expect(unknown).toEqual(hidden);
    });
  });

  describe('audit trail', () => {
    it('records allowed and refused state-changing requests, and a coordinator can query it', async () => {
      const jane = await tokenFor('caseworker', A, `jane-${run}`);
      const allowed = await http('POST', platform.url('referral', '/referrals'), { token: jane, body: { clientId, fromAgencyId: A, toAgencyId: B, domain: 'health' } });
      expect(allowed.status).toBe(201);
      const refused = await http('POST', platform.url('referral', '/referrals'), { token: jane, body: { clientId, fromAgencyId: B, toAgencyId: A, domain: 'health' } });
      expect(refused.status).toBe(403);
      await http('POST', platform.url('referral', '/referrals'), { body: { clientId: `c-${run}-anon` } });

      const coordinator = await tokenFor('coordinator');
      const trail = await waitFor(async () => {
        const res = await http('GET', platform.url('referral', `/audit?userId=jane-${run}`), { token: coordinator });
        return res.body?.length === 2 ? res.body : undefined;
      }, { what: 'two audit rows' });
      expect(trail.map((r: { outcome: string }) => r.outcome).sort()).toEqual(['allowed', 'refused']);
      const byOutcome = (o: string) => trail.find((r: { outcome: string }) => r.outcome === o);
      expect(byOutcome('allowed')).toMatchObject({ userId: `jane-${run}`, agencyId: A, roles: ['caseworker'], method: 'POST', action: 'RequestReferral.request', recordId: allowed.body.id, outcome: 'allowed', status: 201, reason: null });
      expect(byOutcome('refused')).toMatchObject({ userId: `jane-${run}`, agencyId: A, outcome: 'refused', status: 403, reason: 'ACCESS.OTHER_AGENCY' });
      const anonymous = await http('GET', platform.url('referral', '/audit?outcome=refused&limit=50'), { token: coordinator });
      expect(anonymous.body.some((r: { userId: string | null; reason: string }) => r.userId === null && r.reason === 'AUTH.TOKEN_MISSING')).toBe(true);
      expect((await http('GET', platform.url('referral', '/audit?limit=5000'), { token: coordinator })).status).toBe(400);
    });

    it("records every read of a client's data, allowed or refused, with the client as its record; a coordinator finds them by client", async () => {
      const reader = await tokenFor('caseworker', B, `reader-${run}`);
      const outsider = await tokenFor('caseworker', C, `outsider-${run}`);
      expect((await http('GET', platform.url('referral', `/referrals/${referralId}`), { token: reader })).status).toBe(200);
      expect((await http('GET', platform.url('referral', `/clients/${clientId}/case`), { token: reader })).status).toBe(200);
      expect((await http('GET', platform.url('referral', `/referrals?clientId=${clientId}`), { token: reader })).status).toBe(200);
      expect((await http('GET', platform.url('referral', '/referrals'), { token: reader })).status).toBe(200);
      expect((await http('GET', platform.url('client-journey', `/clients/${clientId}`), { token: reader })).status).toBe(200);
      expect((await http('GET', platform.url('referral', `/referrals/${referralId}`), { token: outsider })).status).toBe(403);
      expect((await http('GET', platform.url('client-journey', `/clients/${clientId}/journey`), { token: outsider })).status).toBe(403);

      const coordinator = await tokenFor('coordinator');
      const trail = async (service: ServiceName, user: string) =>
        (await http('GET', platform.url(service, `/audit?recordId=${clientId}&userId=${user}`), { token: coordinator })).body as { action: string; agencyId: string; method: string; outcome: string; status: number; reason: string | null }[];
      // the list that names no client is not among them: it is not a read of one client's data
      expect((await trail('referral', `reader-${run}`)).map((r) => [r.method, r.action, r.agencyId, r.outcome]).sort()).toEqual([
        ['GET', 'Claims.case', B, 'allowed'],
        ['GET', 'GetReferrals.get', B, 'allowed'],
        ['GET', 'GetReferrals.list', B, 'allowed'],
      ]);
      expect((await trail('client-journey', `reader-${run}`)).map((r) => [r.action, r.outcome])).toEqual([['GetClient.get', 'allowed']]);
      // a refused read of a referral is on record against its client, though the refusal said nothing of it
      expect(await trail('referral', `outsider-${run}`)).toEqual([expect.objectContaining({ action: 'GetReferrals.get', agencyId: C, outcome: 'refused', status: 403, reason: 'ACCESS.DENIED' })]);
      expect(await trail('client-journey', `outsider-${run}`)).toEqual([
        expect.objectContaining({ action: 'GetJourney.journey', agencyId: C, outcome: 'refused', status: 403, reason: 'ACCESS.CLIENT_NOT_VISIBLE' }),
      ]);
    });

    it('marks every answer of the services as not to be stored by any cache, allowed or refused', async () => {
      const caseworker = await tokenFor('caseworker', A);
      const answers: [ServiceName, string, string | undefined][] = [
        ['referral', `/referrals/${referralId}`, caseworker],
        ['referral', `/referrals/${randomUUID()}`, caseworker],
        ['referral', `/clients/${clientId}/case`, caseworker],
        ['client-journey', `/clients/${clientId}`, caseworker],
        ['client-journey', `/clients/${clientId}/journey`, undefined],
        ['agency-directory', '/agencies', caseworker],
        ['reporting', '/reports/referrals', caseworker],
      ];
      for (const [service, path, token] of answers) {
        const res = await fetch(platform.url(service, path), { headers: token ? { authorization: `Bearer ${token}` } : {} });
        expect({ service, path, status: res.status, cacheControl: res.headers.get('cache-control') }).toEqual({ service, path, status: res.status, cacheControl: 'no-store' });
      }
    });

    it('is append-only: the database refuses to change or delete a row', async () => {
      const db = new Client({ connectionString: platform.databases.referral });
      await db.connect();
      try {
        await expect(db.query(`UPDATE audit_log SET outcome = 'allowed'`)).rejects.toThrow(/append-only/);
        await expect(db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
      } finally {
        await db.end();
      }
    });

    it('puts the acting user and agency in the metadata of the events the action caused', async () => {
      const messages = await readTopic(process.env.KAFKA_BROKERS as string, TOPICS.agencies.name, (m) => m.some((x) => x.key === C));
      const envelope = JSON.parse(messages.find((x) => x.key === C)!.value!);
      expect(envelope.actor).toEqual({ userId: 'user-coordinator@partnership', role: 'coordinator' });
    });
  });
});
