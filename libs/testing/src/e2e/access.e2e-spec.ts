import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { Client } from 'pg';
import { TOPICS } from '@umbrella/contracts';
import {
  Answer,
  comparable,
  consentTo,
  enrolAgencies,
  exchange,
  giveConsent,
  http,
  knownToReferral,
  leaked,
  otherKey,
  PersonalData,
  personalNeedles,
  readTopic,
  referWhenReady,
  registerClient,
  registerPerson,
  SERVICE_NAMES,
  ServiceName,
  startPlatform,
  testPublicKeyPem,
  TestPlatform,
  token,
  tokenFor,
  unknownClientId,
  unsignedToken,
  waitFor,
} from '../index';

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

  /*
   * The uninvolved agency: every command and query that names a client (by path, query or body),
   * sent by each role of an agency with no involvement with the client, is refused exactly as for
   * a client that does not exist, and the refusal names none of the agencies that work with the
   * client. The client is led by A, referred A→B (open), held in health by H (referred under a
   * domain consent and accepted), and E holds a case-coordination consent.
   */
  describe('uninvolved agency', () => {
    const H = `acc-${run}-hth`;
    const E = `acc-${run}-eco`;
    /** The outsider most probes use, and one per referral attempt (an attempt that got through would make it involved). */
    const X = `acc-${run}-out0`;
    const [XR1, XR2, XR3, XR4] = [1, 2, 3, 4].map((n) => `acc-${run}-ref${n}`);
    const involved = () => [A, B, H, E];
    let probed: { clientId: string; personalData: PersonalData };
    let referralAB: string;
    let consentB: string;

    beforeAll(async () => {
      // the outsiders offer services in the domains the client is consented to and held in: the worst case
      await enrolAgencies(platform, [
        { id: H, region: `acc-${run}`, services: ['health'] },
        { id: E, region: `acc-${run}`, services: ['housing'] },
        ...[X, XR1, XR2, XR3, XR4].map((id) => ({ id, region: `acc-${run}`, services: ['health', 'housing', 'training'] as const })),
      ]);
      await knownToReferral(platform, A, [B, H, E, X, XR1, XR2, XR3, XR4]);
      const aCaseworker = await tokenFor('caseworker', A);
      probed = await registerPerson(platform, aCaseworker);
      const { clientId: id } = probed;
      consentB = await giveConsent(platform, aCaseworker, id, { agencyId: B, purpose: 'referral' });
      await giveConsent(platform, aCaseworker, id, { domain: 'health', purpose: 'referral' });
      await giveConsent(platform, aCaseworker, id, { agencyId: E, purpose: 'case-coordination' });
      const toB = await referWhenReady(platform, aCaseworker, { clientId: id, fromAgencyId: A, toAgencyId: B, domain: 'training' });
      expect(toB.status).toBe(201);
      referralAB = toB.body.id;
      const toH = await referWhenReady(platform, aCaseworker, { clientId: id, fromAgencyId: A, toAgencyId: H, domain: 'health' });
      expect(toH.status).toBe(201);
      expect((await http('POST', platform.url('referral', `/referrals/${toH.body.id}/accept`), { token: await tokenFor('caseworker', H) })).status).toBe(200);
    }, 180000);

    interface Probe {
      readonly service: ServiceName;
      readonly method: string;
      /** The path about this client and this referral of theirs. */
      readonly path: (clientId: string, referralId: string, outsider: string) => string;
      readonly body?: (clientId: string, outsider: string) => unknown;
      /** The outsider agency the roles act for. */
      readonly outsider: string;
      /** The code a caseworker of the outsider gets; undefined for a list scoped to the caller's agency (no refusal, just nothing). */
      readonly refusal?: 'ACCESS.CLIENT_NOT_VISIBLE' | 'ACCESS.DENIED';
      /** Roles whose partnership-wide duties the access model allows this (not agency staff). */
      readonly partnershipRoles?: readonly Role[];
    }
    const today = () => new Date().toISOString().slice(0, 10);
    const notVisible = 'ACCESS.CLIENT_NOT_VISIBLE' as const;
    const probes: [string, Probe][] = [
      ['client-journey GET /clients/{id}', { service: 'client-journey', method: 'GET', path: (c) => `/clients/${c}`, outsider: X, refusal: notVisible }],
      ['client-journey GET /clients/{id}/journey', { service: 'client-journey', method: 'GET', path: (c) => `/clients/${c}/journey`, outsider: X, refusal: notVisible }],
      [
        'client-journey GET /clients/{id}/consent-coverage',
        { service: 'client-journey', method: 'GET', path: (c, _r, x) => `/clients/${c}/consent-coverage?agencyId=${x}&domain=health&purpose=referral`, outsider: X, refusal: notVisible },
      ],
      [
        'client-journey POST /clients/{id}/consents naming the outsider',
        { service: 'client-journey', method: 'POST', path: (c) => `/clients/${c}/consents`, body: (_c, x) => ({ agencyId: x, purpose: 'case-coordination', evidence: 'written' }), outsider: X, refusal: notVisible },
      ],
      [
        'client-journey POST /clients/{id}/consents for a domain',
        { service: 'client-journey', method: 'POST', path: (c) => `/clients/${c}/consents`, body: () => ({ domain: 'housing', purpose: 'referral', evidence: 'written' }), outsider: X, refusal: notVisible },
      ],
      [
        "client-journey POST /clients/{id}/consents/{consentId}/withdrawal (another agency's consent)",
        { service: 'client-journey', method: 'POST', path: (c) => `/clients/${c}/consents/${consentB}/withdrawal`, body: () => ({ evidence: 'written' }), outsider: X, refusal: notVisible },
      ],
      [
        'client-journey POST /clients/{id}/milestones',
        { service: 'client-journey', method: 'POST', path: (c) => `/clients/${c}/milestones`, body: () => ({ milestone: 'barrier-identified', domain: 'health', occurredOn: today() }), outsider: X, refusal: notVisible },
      ],
      [
        'client-journey PUT /clients/{id}/key-worker',
        { service: 'client-journey', method: 'PUT', path: (c) => `/clients/${c}/key-worker`, body: (_c, x) => ({ keyWorkerId: `kw@${x}` }), outsider: X, refusal: notVisible },
      ],
      [
        'client-journey PUT /clients/{id}/key-worker taking the lead',
        { service: 'client-journey', method: 'PUT', path: (c) => `/clients/${c}/key-worker`, body: (_c, x) => ({ leadAgencyId: x, keyWorkerId: `kw@${x}` }), outsider: X, refusal: notVisible },
      ],
      [
        'referral POST /referrals to a consented agency in a free domain',
        { service: 'referral', method: 'POST', path: () => '/referrals', body: (c, x) => ({ clientId: c, fromAgencyId: x, toAgencyId: B, domain: 'confidence-and-motivation' }), outsider: XR1, refusal: notVisible },
      ],
      [
        'referral POST /referrals in a domain with an open referral (UA-5 would name the receiver)',
        { service: 'referral', method: 'POST', path: () => '/referrals', body: (c, x) => ({ clientId: c, fromAgencyId: x, toAgencyId: B, domain: 'training' }), outsider: XR2, refusal: notVisible },
      ],
      [
        'referral POST /referrals in a domain another agency holds (UA-9 would name the holder)',
        { service: 'referral', method: 'POST', path: () => '/referrals', body: (c, x) => ({ clientId: c, fromAgencyId: x, toAgencyId: B, domain: 'health' }), outsider: XR3, refusal: notVisible },
      ],
      [
        'referral POST /referrals handing over the lead (UA-9 would name the lead)',
        {
          service: 'referral',
          method: 'POST',
          path: () => '/referrals',
          body: (c, x) => ({ clientId: c, fromAgencyId: x, toAgencyId: B, domain: 'employer-placement', handsOverLead: true }),
          outsider: XR4,
          refusal: notVisible,
        },
      ],
      ['referral GET /referrals?clientId={id}', { service: 'referral', method: 'GET', path: (c) => `/referrals?clientId=${c}`, outsider: X }],
      ['referral GET /referrals/{id} of the client', { service: 'referral', method: 'GET', path: (_c, r) => `/referrals/${r}`, outsider: X, refusal: 'ACCESS.DENIED' }],
      ...(['accept', 'reject', 'start', 'hold', 'resume', 'complete', 'fail', 'cancel', 'enter-in-error'] as const).map((action): [string, Probe] => [
        `referral POST /referrals/{id}/${action} of the client`,
        {
          service: 'referral',
          method: 'POST',
          path: (_c, r) => `/referrals/${r}/${action}`,
          body: () => (action === 'enter-in-error' ? { reason: 'other' } : ['reject', 'fail', 'cancel'].includes(action) ? { reason: 'not-eligible' } : {}),
          outsider: X,
          refusal: 'ACCESS.DENIED',
        },
      ]),
      ['referral GET /clients/{id}/case', { service: 'referral', method: 'GET', path: (c) => `/clients/${c}/case`, outsider: X, refusal: notVisible }],
      ['client-journey GET /clients/{id}/notes', { service: 'client-journey', method: 'GET', path: (c) => `/clients/${c}/notes`, outsider: X, refusal: notVisible }],
      ['client-journey POST /clients/{id}/notes', { service: 'client-journey', method: 'POST', path: (c) => `/clients/${c}/notes`, body: () => ({ text: 'probe' }), outsider: X, refusal: notVisible }],
      [
        "client-journey POST /clients/{id}/notes about the client's referral",
        { service: 'client-journey', method: 'POST', path: (c) => `/clients/${c}/notes`, body: () => ({ text: 'probe', referralId: referralAB }), outsider: X, refusal: notVisible },
      ],
      ['client-journey GET /clients/{id}/audit', { service: 'client-journey', method: 'GET', path: (c) => `/clients/${c}/audit`, outsider: X, refusal: notVisible }],
      ['referral POST /clients/{id}/claims/health (domain consent; H holds it)', { service: 'referral', method: 'POST', path: (c) => `/clients/${c}/claims/health`, outsider: X, refusal: notVisible }],
      ['referral POST /clients/{id}/claims/housing (nobody holds it)', { service: 'referral', method: 'POST', path: (c) => `/clients/${c}/claims/housing`, outsider: X, refusal: notVisible }],
      ['referral DELETE /clients/{id}/claims/health (H holds it)', { service: 'referral', method: 'DELETE', path: (c) => `/clients/${c}/claims/health`, outsider: X, refusal: notVisible }],
      ['referral DELETE /clients/{id}/claims/housing', { service: 'referral', method: 'DELETE', path: (c) => `/clients/${c}/claims/housing`, outsider: X, refusal: notVisible }],
      // a coordinator reviews decisions for the partnership, any client's included
      ['referral GET /decisions?clientId={id}', { service: 'referral', method: 'GET', path: (c) => `/decisions?clientId=${c}`, outsider: X, partnershipRoles: ['coordinator'] }],
      // last: if erasure got through, it would change what every other probe answers
      // (a coordinator may erase any client on their request: a partnership duty, not agency access)
      [
        'client-journey POST /clients/{id}/erasure',
        { service: 'client-journey', method: 'POST', path: (c) => `/clients/${c}/erasure`, body: () => ({ evidence: 'written' }), outsider: X, refusal: notVisible, partnershipRoles: ['coordinator'] },
      ],
    ];

    /** Ids of the client's agencies that occur in an answer, apart from those the caller named in its own request. */
    const namesAgencies = (answer: Answer, request: string) => {
      const all = `${answer.text}\n${Object.values(answer.headers).join('\n')}`;
      const named = (id: string, text: string) => new RegExp(`${id}(?![a-z0-9-])`).test(text);
      return involved().filter((id) => !named(id, request) && named(id, all));
    };

    // caseworkers last: they are the only role that could change anything for the other roles' probes
    const ORDER: Role[] = ['agency-admin', 'coordinator', 'analyst', 'operator', 'caseworker'];
    for (const [name, probe] of probes) {
      for (const role of ORDER) {
        if (probe.partnershipRoles?.includes(role)) continue;
        const expected = probe.refusal === undefined ? 'answered as for no client' : role === 'caseworker' ? `refused ${probe.refusal}` : 'refused by role';
        it(`${name} as ${role} of an uninvolved agency is ${expected}, exactly as for a client that does not exist`, async () => {
          const as = await tokenFor(role, probe.outsider, `${role}@${probe.outsider}`);
          const ghost = unknownClientId();
          const ghostReferral = randomUUID();
          const request = (clientId: string, referralId: string) => `${probe.path(clientId, referralId, probe.outsider)} ${JSON.stringify(probe.body?.(clientId, probe.outsider) ?? null)}`;
          const send = (clientId: string, referralId: string) =>
            exchange(probe.method, platform.url(probe.service, probe.path(clientId, referralId, probe.outsider)), { token: as, body: probe.body?.(clientId, probe.outsider) });
          const real = await send(probed.clientId, referralAB);
          const none = await send(ghost, ghostReferral);
          expect(comparable(real, [probed.clientId, referralAB])).toEqual(comparable(none, [ghost, ghostReferral]));
          if (probe.refusal !== undefined) {
            expect(real.status).toBe(403);
            if (role === 'caseworker') expect(real.body).toEqual({ statusCode: 403, code: probe.refusal, message: expect.any(String) });
            else expect(real.body.code).toMatch(/^ACCESS\./);
          }
          expect(namesAgencies(real, request(probed.clientId, referralAB))).toEqual([]);
          expect(leaked(real, personalNeedles(probed.personalData))).toEqual([]);
        });
      }
    }

    it('still answers the agencies that work with the client (the probes above were refused for who asked, not for what)', async () => {
      for (const agency of [A, B, H]) {
        const res = await http('GET', platform.url('client-journey', `/clients/${probed.clientId}`), { token: await tokenFor('caseworker', agency) });
        expect({ agency, status: res.status }).toEqual({ agency, status: 200 });
      }
      expect((await http('GET', platform.url('referral', `/clients/${probed.clientId}/case`), { token: await tokenFor('caseworker', A) })).body).toMatchObject({
        leadAgencyId: A,
        claims: [expect.objectContaining({ agencyId: H, domain: 'health' })],
      });
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
        const headers = { cacheControl: res.headers.get('cache-control'), sniff: res.headers.get('x-content-type-options'), poweredBy: res.headers.get('x-powered-by') };
        expect({ service, path, status: res.status, ...headers }).toEqual({ service, path, status: res.status, cacheControl: 'no-store', sniff: 'nosniff', poweredBy: null });
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
