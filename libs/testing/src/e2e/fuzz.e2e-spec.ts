import { Agent, request } from 'node:http';
import { SignJWT } from 'jose';
import { Client } from 'pg';
import {
  consentTo,
  documentedErrorCodes,
  enrolAgencies,
  http,
  otherKey,
  portalCookies,
  portalFormToken,
  referWhenReady,
  registerClient,
  RunningService,
  SERVICE_NAMES,
  ServiceName,
  signInToPortal,
  startPlatform,
  startPortal,
  TEST_AUDIENCE,
  TEST_ISSUER,
  testPublicKeyPem,
  TestPlatform,
  token,
  tokenFor,
  unsignedToken,
  waitFor,
} from '../index';
import { casesFor, FuzzCase, FuzzContext, FuzzOperation, OpenApiDocument, operationsOf, roleProbe } from '../fuzz/openapi-fuzz';
import { PortalCase, portalCases } from '../fuzz/portal-fuzz';
import { fuzzSeed, Random } from '../fuzz/random';

/**
 * The fuzz tier: bad requests generated from each service's OpenAPI document (and a list of the
 * portal's pages), sent to the services running as real processes, each with a token of a role
 * that reaches validation. Not one may be answered 5xx; every refusal carries a code of README's
 * table; no request to an operation that changes state may be answered 2xx; and the databases
 * (all but the audit trail, which records refusals) are the same afterwards.
 *
 * Bounded and seeded: FUZZ_SEED=<n> repeats a run (its seed is printed at the start and in every
 * failure); FUZZ_CASES_PER_OPERATION sets how many requests each operation gets.
 */
const seed = fuzzSeed();
const random = new Random(seed);
const PER_OPERATION = Number(process.env.FUZZ_CASES_PER_OPERATION ?? 60);
const PORTAL_CASES = Number(process.env.FUZZ_PORTAL_CASES ?? 600);
const IN_FLIGHT = 4;
const BASE_PORT = 15600;
const PORTAL_PORT = 15690;
/** The audit trail records every refused request: that is its job, not a write of the request's. */
const NOT_COMPARED = new Set(['audit_log']);

const tag = seed.toString(36);
const region = `fuzz-${tag}`;
const [A, B] = [`${region}-a`, `${region}-b`];
const ROLES = ['coordinator', 'caseworker', 'agency-admin', 'operator', 'analyst'] as const;
type Role = (typeof ROLES)[number];

console.log(`fuzz seed ${seed} (FUZZ_SEED=${seed} repeats this run)`);

interface Answer {
  readonly status: number;
  readonly type: string;
  readonly code?: string;
  readonly text: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });

/**
 * One request, sent as it is: node:http, since fetch will not send a body with GET and
 * normalises what it is given. `target` is the path and query, already percent-encoded.
 */
function send(base: string, target: string, method: string, headers: Record<string, string>, body?: string | Uint8Array): Promise<Answer> {
  const { hostname, port } = new URL(base);
  const length = body === undefined ? {} : { 'content-length': String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength) };
  return new Promise<Answer>((resolve, reject) => {
    const req = request({ host: hostname, port, path: target, method, headers: { ...headers, ...length }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const type = String(res.headers['content-type'] ?? '');
        let code: string | undefined;
        if (type.includes('json')) {
          try {
            const parsed = JSON.parse(text) as { code?: unknown };
            if (typeof parsed?.code === 'string') code = parsed.code;
          } catch {
            // a non-JSON answer is judged by its status and type
          }
        }
        resolve({ status: res.statusCode ?? 0, type, code, text });
      });
    });
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
    req.end(body);
  }).catch((error: Error) => ({ status: 599, type: '', text: `no answer: ${error.message}` }));
}

/** Runs `work` over `items`, a few at a time, in order of start. */
async function inPool<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]);
      }
    }),
  );
  return results;
}

/** A fingerprint of every table of every service's database (but the audit trail). */
async function snapshot(platform: TestPlatform): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of SERVICE_NAMES) {
    const db = new Client({ connectionString: platform.databases[name] });
    await db.connect();
    try {
      const tables: { tablename: string }[] = await db.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`).then((r) => r.rows);
      for (const { tablename } of tables) {
        if (NOT_COMPARED.has(tablename)) continue;
        const [row] = (await db.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM "${tablename}" t`)).rows;
        out[`${name}.${tablename}`] = `${row.n}:${row.h}`;
      }
      const [pending] = (await db.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')).rows;
      out[`${name}.outbox(unpublished)`] = String(pending.n);
    } finally {
      await db.end();
    }
  }
  return out;
}

/** Waits until every outbox is published and nothing changes between two looks: the consumers are done. */
async function settled(platform: TestPlatform): Promise<Record<string, string>> {
  let previous = '';
  return waitFor(
    async () => {
      const now = await snapshot(platform);
      const same = JSON.stringify(now) === previous && Object.entries(now).every(([k, v]) => !k.endsWith('(unpublished)') || v === '0');
      previous = JSON.stringify(now);
      return same ? now : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 750, what: 'the services to finish the setup’s events' },
  );
}

function changed(before: Record<string, string>, after: Record<string, string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => before[k] !== after[k]);
}

describe('fuzz: bad requests to every service and the portal', () => {
  let platform: TestPlatform;
  let portal: RunningService;
  const documented = documentedErrorCodes();
  const roleTokens = {} as Record<Role, string>;
  let fixtures: Record<string, string>;
  let before: Record<string, string>;

  beforeAll(async () => {
    platform = await startPlatform(BASE_PORT, 'fuzz');
    portal = await startPortal(platform, PORTAL_PORT, 'portal-fuzz');
    // Real records, so that requests naming them reach the handlers.
    await enrolAgencies(platform, [A, B].map((id) => ({ id, region })));
    const caseworker = await tokenFor('caseworker', A);
    const offered = await http('POST', platform.url('agency-directory', `/agencies/${B}/services`), {
      token: await tokenFor('agency-admin', B),
      body: { name: 'Fuzz skills', domain: 'training', needs: ['skills-and-training'], serviceAreas: [region], capacity: { available: 5 } },
    });
    expect(offered.status).toBe(201);
    const clientId = await registerClient(platform, caseworker);
    const [consentId] = await consentTo(platform, caseworker, clientId, [B]);
    const referral = await referWhenReady(platform, caseworker, { clientId, fromAgencyId: A, toAgencyId: B, domain: 'training' });
    expect(referral.status).toBe(201);
    const agency = await http('GET', platform.url('agency-directory', `/agencies/${B}`), { token: caseworker });
    fixtures = { clientId, consentId, serviceId: offered.body.id, referralId: referral.body.id, hsdsId: agency.body.hsdsId };
    roleTokens.coordinator = await tokenFor('coordinator');
    roleTokens.caseworker = caseworker;
    roleTokens['agency-admin'] = await tokenFor('agency-admin', B);
    roleTokens.operator = await tokenFor('operator');
    roleTokens.analyst = await tokenFor('analyst');
    before = await settled(platform);
  }, 240_000);

  afterAll(async () => {
    await portal?.stop();
    await platform?.stop();
  });

  function fixture(template: string, param: string): readonly string[] {
    if (param === 'clientId') return [fixtures.clientId];
    if (param === 'consentId') return [fixtures.consentId];
    if (param === 'agencyId') return [A, B];
    if (param === 'version') return ['1'];
    if (param === 'region') return [region];
    if (param === 'domain') return ['training', 'housing'];
    if (param === 'action') return ['accept', 'reject', 'start', 'complete', 'cancel'];
    if (template.startsWith('/referrals/')) return [fixtures.referralId];
    if (template.startsWith('/services/') || template.startsWith('/hsds/services/')) return [fixtures.serviceId];
    if (template.startsWith('/hsds/organizations/')) return [fixtures.hsdsId];
    if (template.startsWith('/agencies/')) return [A, B];
    return [];
  }

  async function forgedTokens(): Promise<(string | undefined)[]> {
    const claims = { roles: ['coordinator'], agencyId: A };
    const [header, , signature] = (await tokenFor('caseworker', A)).split('.');
    const tampered = Buffer.from(JSON.stringify({ sub: 'x', roles: ['coordinator'], iss: TEST_ISSUER, aud: TEST_AUDIENCE, exp: 9999999999 })).toString('base64url');
    return [
      undefined,
      'Basic dXNlcjpwYXNz',
      'Bearer ',
      'Bearer not-a-jwt',
      `Bearer ${'a'.repeat(2000)}`,
      `Bearer ${await token({ ...claims, expiresIn: -60 })}`,
      `Bearer ${await token({ ...claims, signingKey: otherKey() })}`,
      `Bearer ${await token({ ...claims, issuer: 'https://evil.example' })}`,
      `Bearer ${await token({ ...claims, audience: 'another-api' })}`,
      `Bearer ${unsignedToken({ sub: 'x', roles: ['coordinator'], iss: TEST_ISSUER, aud: TEST_AUDIENCE, exp: 9999999999 })}`,
      `Bearer ${header}.${tampered}.${signature}`,
      `Bearer ${await new SignJWT({ roles: ['coordinator'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer(TEST_ISSUER).setAudience(TEST_AUDIENCE).setExpirationTime('1h').sign(new TextEncoder().encode(testPublicKeyPem()))}`,
    ];
  }

  /** What is wrong with an answer, or undefined when it is right. */
  function judge(answer: Answer, expect: { status: number; code: string } | undefined, stateChanging: boolean): string | undefined {
    if (answer.status >= 500) return `answered ${answer.status} ${answer.code ?? answer.text.slice(0, 120)}`;
    if (answer.status >= 400) {
      if (!answer.code) return `answered ${answer.status} without an error code: ${answer.text.slice(0, 120)}`;
      if (!documented.has(answer.code)) return `answered ${answer.status} with ${answer.code}, which README's table does not list`;
      if (documented.get(answer.code) !== answer.status) return `answered ${answer.code} with ${answer.status}, README says ${documented.get(answer.code)}`;
    } else if (stateChanging) {
      return `accepted (${answer.status}) a request that must be refused: ${answer.text.slice(0, 120)}`;
    }
    if (expect) {
      const codeOk = expect.code.endsWith('*') ? answer.code?.startsWith(expect.code.slice(0, -1)) : answer.code === expect.code;
      if (answer.status !== expect.status || !codeOk) return `answered ${answer.status} ${answer.code}, expected ${expect.status} ${expect.code}`;
    }
    return undefined;
  }

  it('answers every bad request generated from the OpenAPI documents with a documented 4xx, and changes nothing', async () => {
    const forged = await forgedTokens();
    const failures: string[] = [];
    const tally = new Map<string, number>();
    let sent = 0;
    for (const service of SERVICE_NAMES) {
      const docs = (await http('GET', platform.url(service, '/docs-json'))).body as OpenApiDocument;
      const operations = operationsOf(docs);
      expect(operations.length).toBeGreaterThan(3);
      const base: Omit<FuzzContext, 'isPublic'> = { random, fixture, forgedTokens: forged, largeBodyPrefixes: ['/hsds/import'], bodyLimitBytes: 256 * 1024 };

      // Which role each operation lets through (and which need no token): a NUL in the query is
      // refused after the role check, so the probe changes nothing.
      const roleOf = new Map<FuzzOperation, Role | null>();
      for (const op of operations) {
        const probe = roleProbe(op, { ...base, isPublic: () => false });
        const anonymous = await send(platform.services[service].url, probe.target, probe.method, {});
        sent += 1;
        if (anonymous.status !== 401) {
          roleOf.set(op, null);
          continue;
        }
        for (const role of ROLES) {
          const answer = await send(platform.services[service].url, probe.target, probe.method, { authorization: `Bearer ${roleTokens[role]}` });
          sent += 1;
          if (answer.code !== 'ACCESS.ROLE_NOT_ALLOWED') {
            roleOf.set(op, role);
            const wrong = judge(answer, { status: 400, code: 'VALIDATION_FAILED' }, true);
            if (wrong) failures.push(`${service} ${probe.method} ${probe.target} [probe as ${role}]: ${wrong}`);
            break;
          }
        }
        if (!roleOf.has(op)) failures.push(`${service} ${op.name}: no role gets past the role check`);
      }

      const context: FuzzContext = { ...base, isPublic: (op) => roleOf.get(op) === null };
      const cases = operations.flatMap((op) => casesFor(op, context, PER_OPERATION));
      const answers = await inPool(cases, (c: FuzzCase) => {
        const role = roleOf.get(c.operation);
        const authorization = c.auth.kind === 'forged' ? c.auth.header : role ? `Bearer ${roleTokens[role]}` : undefined;
        return send(platform.services[service].url, c.target, c.method, { ...c.headers, ...(authorization === undefined ? {} : { authorization }) }, c.body);
      });
      cases.forEach((c, i) => {
        const wrong = judge(answers[i], c.expect, c.operation.stateChanging && c.method === c.operation.method);
        const key = `${c.kind} → ${answers[i].status}`;
        tally.set(key, (tally.get(key) ?? 0) + 1);
        if (wrong) failures.push(`${service} ${c.method} ${c.target.slice(0, 160)} [${c.kind}: ${c.note.slice(0, 160)}]: ${wrong}`);
      });
      sent += cases.length;
    }
    console.log(`fuzz seed ${seed}: ${sent} requests to the services\n${[...tally].sort().map(([k, n]) => `  ${k}: ${n}`).join('\n')}`);
    expect({ seed, failures: failures.slice(0, 60), count: failures.length }).toEqual({ seed, failures: [], count: 0 });
    expect({ seed, changed: changed(before, await snapshot(platform)) }).toEqual({ seed, changed: [] });
  }, 300_000);

  it('answers every bad request to the portal with a page and never a 5xx, and changes nothing', async () => {
    // Form posts carry the token the portal's own pages would give them, so they reach the pages'
    // handlers: the session's, or for the sign-in forms the one bound to a pre-session cookie.
    const session = await signInToPortal(portal.url, 'caseworker', A);
    const signInPage = await fetch(`${portal.url}/sign-in`);
    const preSession = { cookie: portalCookies(signInPage), csrfToken: portalFormToken(await signInPage.text()) };
    expect(preSession.cookie).toMatch(/^umbrella_pre_session=./);

    const cases = portalCases(random, PORTAL_CASES);
    const answers = await inPool(cases, (c: PortalCase) => {
      const cookies = [...(c.signedIn ? [session.cookie] : []), ...(c.token === 'sign-in' ? [preSession.cookie] : [])];
      const token = c.token === 'session' ? session.csrfToken : c.token === 'sign-in' ? preSession.csrfToken : undefined;
      const body = token === undefined ? c.body : `${c.body ? `${c.body}&` : ''}_csrf=${encodeURIComponent(token)}`;
      return send(portal.url, c.target, c.method, { ...c.headers, ...(cookies.length ? { cookie: cookies.join('; ') } : {}) }, body);
    });
    const failures: string[] = [];
    let reachedPages = 0;
    cases.forEach((c, i) => {
      const a = answers[i];
      // A post with its form's token gets past the forgery check; one without is refused by it.
      const tokened = c.token === 'sign-in' || (c.token === 'session' && c.signedIn);
      const forgery = a.status === 403 && a.text.includes('PORTAL.CSRF');
      if (tokened && !forgery) reachedPages += 1;
      // (the inbox's rows, fetched by the page's script, answer a lost session with a bare 401)
      const wrong =
        a.status >= 500
          ? `answered ${a.status}`
          : a.status >= 400 && !a.type.includes('text/html') && !(a.status === 401 && c.target.startsWith('/inbox/rows'))
            ? `answered ${a.status} with ${a.type || 'no page'}`
            : c.expectStatus !== undefined && a.status !== c.expectStatus
              ? `answered ${a.status}, expected ${c.expectStatus}`
              : tokened && forgery
                ? 'refused as a forged post though it carries its form’s token'
                : c.method === 'POST' && c.expectStatus === undefined && !tokened && !forgery
                  ? `answered ${a.status} to a post without its form’s token`
                  : undefined;
      if (wrong) failures.push(`portal ${c.method} ${c.target.slice(0, 160)} [${c.kind}: ${c.note}${c.signedIn ? '' : ', signed out'}]: ${wrong}`);
    });
    console.log(`fuzz seed ${seed}: ${cases.length} requests to the portal, ${reachedPages} form posts with their token past the forgery check`);
    expect(reachedPages).toBeGreaterThan(0);
    // No case ended the session the others used (a sign-out is sent without its token).
    expect((await fetch(`${portal.url}/`, { headers: { cookie: session.cookie }, redirect: 'manual' })).status).toBe(200);
    expect({ seed, failures: failures.slice(0, 60), count: failures.length }).toEqual({ seed, failures: [], count: 0 });
    expect({ seed, changed: changed(before, await snapshot(platform)) }).toEqual({ seed, changed: [] });
  }, 180_000);

  it('answers the requests that used to fail with a 500 or an undocumented code as the README says', async () => {
    const { coordinator, analyst, operator } = roleTokens;
    const admin = roleTokens['agency-admin'];
    const service = { name: 'Fuzz skills', domain: 'training', needs: ['skills-and-training'], serviceAreas: [region], capacity: { available: 5 } };
    const refused: [ServiceName, string, string, string, unknown, number, string, string?][] = [
      ['agency-directory', 'POST', `/agencies/${B}/services`, admin, { ...service, capacity: undefined }, 400, 'VALIDATION_FAILED', 'capacity: capacity is required'],
      ['agency-directory', 'POST', `/agencies/${B}/services`, admin, { ...service, capacity: [] }, 400, 'VALIDATION_FAILED', 'capacity: capacity must be an object'],
      ['agency-directory', 'PUT', `/services/${fixtures.serviceId}`, admin, { ...service, email: 'x\uD800y' }, 400, 'VALIDATION_FAILED', 'email: must not contain a lone UTF-16 surrogate (not a Unicode character)'],
      ['agency-directory', 'POST', '/agencies', coordinator, `{"id":"${region}-c","name":"C","stakeholderType":"ngo","region":"${region}","extra":${'['.repeat(3000)}${']'.repeat(3000)}}`, 400, 'VALIDATION_FAILED'],
      ['agency-directory', 'GET', '/services/search?q=a%00b', admin, undefined, 400, 'VALIDATION_FAILED', 'q: must not contain a NUL character (U+0000)'],
      ['agency-directory', 'GET', `/regions/${region}%00/information-pack`, admin, undefined, 400, 'VALIDATION_FAILED', 'region: must not contain a NUL character (U+0000)'],
      ['referral', 'GET', '/agreements/1%00', coordinator, undefined, 400, 'VALIDATION_FAILED', 'version: must not contain a NUL character (U+0000)'],
      ['referral', 'GET', '/decisions?clientId=%00', coordinator, undefined, 400, 'VALIDATION_FAILED'],
      ['reporting', 'GET', '/reports/summary?region=%00', analyst, undefined, 400, 'VALIDATION_FAILED'],
      ['reporting', 'GET', '/reports/timeline?agency=a%00', analyst, undefined, 400, 'VALIDATION_FAILED'],
      ['referral', 'PATCH', '/referrals', roleTokens.caseworker, undefined, 404, 'ROUTE.NOT_FOUND'],
      ['referral', 'GET', '/referrals/%E0%A4%A', roleTokens.caseworker, undefined, 400, 'VALIDATION_FAILED', "path: '%E0%A4%A' is not percent-encoded UTF-8"],
      ['referral', 'GET', '/referrals/not-a-uuid', roleTokens.caseworker, undefined, 400, 'VALIDATION_FAILED', 'id: id must be a UUID'],
      ...SERVICE_NAMES.flatMap((name): [ServiceName, string, string, string, unknown, number, string, string?][] => [
        [name, 'GET', '/audit?agencyId=a%00', coordinator, undefined, 400, 'VALIDATION_FAILED', 'agencyId: must not contain a NUL character (U+0000)'],
        [name, 'GET', '/dead-letters?consumer=%00', operator, undefined, 400, 'VALIDATION_FAILED'],
      ]),
    ];
    for (const [name, method, path, bearer, body, status, code, error] of refused) {
      const res = await send(platform.services[name].url, path, method, { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, typeof body === 'string' || body === undefined ? body : JSON.stringify(body));
      expect({ request: `${name} ${method} ${path}`, status: res.status, code: res.code }).toEqual({ request: `${name} ${method} ${path}`, status, code });
      if (error) expect(JSON.parse(res.text).errors).toContain(error);
    }
    const text = await send(platform.services['agency-directory'].url, '/agencies', 'POST', { authorization: `Bearer ${coordinator}`, 'content-type': 'text/plain' }, 'hello');
    expect([text.status, text.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);

    // UUIDs in upper case name the same records, and are answered in lower case
    const replaced = await http('PUT', platform.url('agency-directory', `/services/${fixtures.serviceId.toUpperCase()}`), { token: admin, body: { ...service, name: 'Fuzz skills, renamed' } });
    expect([replaced.status, replaced.body.id, replaced.body.name]).toEqual([200, fixtures.serviceId, 'Fuzz skills, renamed']);
    const capacity = await http('PUT', platform.url('agency-directory', `/services/${fixtures.serviceId.toUpperCase()}/capacity`), { token: admin, body: { available: 4 } });
    expect([capacity.status, capacity.body.serviceId]).toEqual([200, fixtures.serviceId]);
    const referral = await http('GET', platform.url('referral', `/referrals/${fixtures.referralId.toUpperCase()}`), { token: roleTokens.caseworker });
    expect([referral.status, referral.body.id]).toEqual([200, fixtures.referralId]);
  });
});

