import { createHash, randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import {
  consentTo,
  enrolAgencies,
  http,
  otherKey,
  portalCookies,
  portalFormToken,
  registerClient,
  REPO_ROOT,
  RunningService,
  signInToPortal,
  startPlatform,
  startPortal,
  TestPlatform,
  token,
  tokenFor,
  waitFor,
} from '../index';

/**
 * The caseworker portal in a real browser (Debian's Chromium driven by playwright-core), over the
 * four services running as real processes: a caseworker at A finds a service at B and refers a
 * consenting client; B sees it arrive in the inbox without reloading and accepts; C, trying to take
 * the same client on in the same exclusive domain, is refused under UA-4; the journey shows it all.
 * Every screen is checked with axe-core and saved as a screenshot under test-results/portal/.
 */
const run = randomUUID().slice(0, 8);
const region = `portal-${run}`;
const [A, B, C] = ['jobs', 'clinic', 'trust'].map((x) => `${region}-${x}`);
const SHOTS = join(REPO_ROOT, 'test-results', 'portal');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const PORTAL_PORT = 19110;
const portal = (path: string) => `http://127.0.0.1:${PORTAL_PORT}${path}`;
const OIDC_PORTAL_PORT = 19111;
const PROVIDER_PORT = 19112;
/** Another port of the same host: the same site for cookies, another origin for the portal. */
const ATTACKER_PORT = 19113;
const attackerUrl = `http://127.0.0.1:${ATTACKER_PORT}/`;

/**
 * A tiny OpenID Connect provider on loopback, enough for the authorization code flow with PKCE:
 * discovery, an authorization endpoint that signs the user in at once, and a token endpoint that
 * hands out an access token only for the right code, redirect URI and S256 code verifier, once.
 * Its access tokens are signed with the test identity provider's key, which the services trust.
 */
interface Provider {
  readonly server: Server;
  readonly issuer: string;
  readonly exchanges: { verifierMatched: boolean }[];
  /** The next access token is one the services refuse (401), as a revoked or expired one is. */
  refuseNextToken: boolean;
  /** The next access token expires this many seconds after it is issued (else an hour). */
  nextTokenExpiresIn?: number;
}

function startProvider(agencyId: string): Promise<Provider> {
  const issuer = `http://127.0.0.1:${PROVIDER_PORT}`;
  const codes = new Map<string, { challenge: string; redirectUri: string; clientId: string }>();
  const exchanges: { verifierMatched: boolean }[] = [];
  const provider = { exchanges, refuseNextToken: false } as Provider;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname === '/.well-known/openid-configuration') {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify({ issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, code_challenge_methods_supported: ['S256'] }));
    }
    if (url.pathname === '/authorize') {
      const q = url.searchParams;
      if (q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
        res.statusCode = 400;
        return res.end('authorization code with PKCE (S256) only');
      }
      const code = randomUUID();
      codes.set(code, { challenge: q.get('code_challenge') as string, redirectUri: q.get('redirect_uri') as string, clientId: q.get('client_id') as string });
      res.statusCode = 302;
      res.setHeader('location', `${q.get('redirect_uri')}?${new URLSearchParams({ code, state: q.get('state') ?? '' })}`);
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const form = new URLSearchParams(body);
      const issued = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifierMatched = !!issued && createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url') === issued.challenge;
      exchanges.push({ verifierMatched });
      res.setHeader('content-type', 'application/json');
      if (!issued || !verifierMatched || issued.redirectUri !== form.get('redirect_uri') || issued.clientId !== form.get('client_id')) {
        res.statusCode = 400;
        return res.end(JSON.stringify({ error: 'invalid_grant' }));
      }
      const signingKey = provider.refuseNextToken ? otherKey() : undefined;
      const expiresIn = provider.nextTokenExpiresIn ?? 3600;
      provider.refuseNextToken = false;
      provider.nextTokenExpiresIn = undefined;
      return res.end(JSON.stringify({ access_token: await token({ sub: 'oidc-user', agencyId, roles: ['caseworker'], signingKey, expiresIn }), token_type: 'Bearer', expires_in: expiresIn }));
    }
    res.statusCode = 404;
    res.end();
  });
  Object.assign(provider, { server, issuer });
  return new Promise((resolve) => server.listen(PROVIDER_PORT, '127.0.0.1', () => resolve(provider)));
}

/**
 * Another site's page, on another port of the same host: it posts a form to the portal as soon
 * as it is opened, in the browser of whoever opens it.
 */
interface Attacker {
  readonly server: Server;
  /** Sets the form the page posts: the portal path and the fields. */
  posts(path: string, fields: Record<string, string>): void;
}

function startAttacker(): Promise<Attacker> {
  let page = '';
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(page);
  });
  const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const attacker: Attacker = {
    server,
    posts(path, fields) {
      const inputs = Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`);
      page = `<!doctype html><html lang="en"><head><title>Win a prize</title></head><body><form id="f" method="post" action="${portal(path)}">${inputs.join('')}</form><script>document.getElementById('f').submit()</script></body></html>`;
    },
  };
  return new Promise((resolve) => server.listen(ATTACKER_PORT, '127.0.0.1', () => resolve(attacker)));
}

describe('the caseworker portal in a browser', () => {
  let platform: TestPlatform;
  let service: RunningService;
  let oidcPortal: RunningService;
  let provider: Provider;
  let attacker: Attacker;
  let browser: Browser;
  let serviceId: string;
  let clientId: string;
  let shot = 0;

  /** Every screen: no serious or critical accessibility violation, and screenshots to look at, wide and at 390 px (a phone). */
  async function check(page: Page, name: string): Promise<void> {
    await page.addScriptTag({ content: AXE });
    const violations = await page.evaluate(async () => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
      return (result.violations as { id: string; impact: string; nodes: { target: string[] }[] }[]).map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
    });
    expect({ screen: name, violations: violations.filter((v) => v.impact === 'serious' || v.impact === 'critical') }).toEqual({ screen: name, violations: [] });
    shot += 1;
    await page.screenshot({ path: join(SHOTS, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
    const wide = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SHOTS, `${String(shot).padStart(2, '0')}-${name}-390.png`), fullPage: true });
    if (wide) await page.setViewportSize(wide);
  }

  /** Moves focus with the Tab key alone until the element has it: the control is reachable by keyboard. */
  async function tabTo(page: Page, selector: string): Promise<void> {
    for (let i = 0; i < 60; i += 1) {
      if (await page.evaluate((s) => document.activeElement === document.querySelector(s), selector)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`${selector} cannot be reached with the Tab key`);
  }

  /** Signs in on the local sign-in page with the keyboard only. */
  async function signIn(page: Page, role: string, agencyId: string | null, screenshot?: string): Promise<void> {
    if (!page.url().includes('/sign-in')) await page.goto(portal('/sign-in'));
    if (screenshot) await check(page, screenshot);
    await tabTo(page, '#f-agencyId');
    await page.selectOption('#f-agencyId', agencyId ?? '');
    await page.keyboard.press('Tab');
    await page.selectOption('#f-role', role);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
  }

  async function newPage(): Promise<Page> {
    return (await browser.newContext()).newPage();
  }

  beforeAll(async () => {
    // Only this run's screens in the folder, numbered in the order the story walks them.
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    platform = await startPlatform(19100, 'portal');
    service = await startPortal(platform, PORTAL_PORT, 'portal-portal');
    provider = await startProvider(B);
    attacker = await startAttacker();
    oidcPortal = await startPortal(platform, OIDC_PORTAL_PORT, 'portal-oidc', {
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: 'umbrella-portal',
      OIDC_REDIRECT_URI: `http://127.0.0.1:${OIDC_PORTAL_PORT}/oidc/callback`,
    });
    // C offers a health service of its own, so it may try to take the client on in health (UA-4)
    await enrolAgencies(platform, [{ id: A, region }, { id: B, region }, { id: C, region, services: ['health'] }]);
    const admin = await tokenFor('agency-admin', B);
    const offered = await http('POST', platform.url('agency-directory', `/agencies/${B}/services`), {
      token: admin,
      body: {
        name: 'Health and work clinic',
        description: 'Health support for people getting back to work',
        domain: 'health',
        needs: ['health', 'mental-health'],
        targetGroups: ['everyone'],
        serviceAreas: [region],
        minimumAge: 18,
        capacity: { available: 5, maximum: 10, waitlistAllowed: false },
      },
    });
    expect(offered.status).toBe(201);
    serviceId = offered.body.id;
    // Client-journey learns of agencies from events: a first client, consenting to B and C, waits for that.
    const jobs = await tokenFor('caseworker', A);
    await consentTo(platform, jobs, await registerClient(platform, jobs), [B, C]);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 180000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await oidcPortal?.stop();
    await new Promise((resolve) => (provider ? provider.server.close(resolve) : resolve(undefined)));
    await new Promise((resolve) => (attacker ? attacker.server.close(resolve) : resolve(undefined)));
    await platform?.stop();
  });

  it('answers its probes without sign-in, keeping idle connections open longer than a load balancer', async () => {
    for (const probe of ['/health', '/health/live', '/health/ready']) {
      const res = await fetch(portal(probe));
      expect({ status: res.status, body: await res.json() }).toEqual({ status: 200, body: { status: 'up' } });
      expect(res.headers.get('keep-alive')).toBe('timeout=65');
    }
  });

  it('walks the story: find, consent, refer, arrive, accept, the UA-4 refusal, the journey', async () => {
    const a = await newPage();
    await a.goto(portal('/inbox'));
    expect(new URL(a.url()).pathname).toBe('/sign-in');
    await signIn(a, 'caseworker', A, 'sign-in');
    expect(new URL(a.url()).pathname).toBe('/inbox');
    await a.goto(portal('/'));
    await check(a, 'home-caseworker');

    // Register the client with the keyboard.
    await a.goto(portal('/clients'));
    await check(a, 'clients');
    await tabTo(a, '#f-name');
    await a.keyboard.type(`Robin Portal ${run}`);
    await a.keyboard.press('Tab');
    // Chromium's date field moves between its day, month and year parts with Tab; fill sets it whole.
    await a.fill('#f-dateOfBirth', '2001-04-05');
    await tabTo(a, '#f-contact');
    await a.keyboard.type(`robin.${run}@example.org`);
    await a.keyboard.press('Tab');
    await a.keyboard.type('NB1 4QT');
    await a.keyboard.press('Enter');
    await a.waitForURL(/\/clients\/c-[0-9a-f]{16}/);
    clientId = /\/clients\/(c-[0-9a-f]{16})/.exec(a.url())?.[1] as string;
    await expect(a.locator('[role=status]').textContent()).resolves.toContain('Client registered');
    await check(a, 'client');

    // Consent to refer the client to B and C (UA-2), and to C's coordinating their case.
    for (const [agency, purpose] of [[B, 'referral'], [C, 'referral'], [C, 'case-coordination']]) {
      await a.selectOption('#f-agencyId', agency);
      await a.selectOption('#f-purpose', purpose);
      await a.click('button:has-text("Record consent")');
      await expect(a.locator('[role=status]').textContent()).resolves.toContain(`shared with ${agency}`);
    }

    // B's caseworker watches the inbox: the referral must arrive without a reload.
    const b = await newPage();
    await signIn(b, 'caseworker', B);
    await b.goto(portal('/inbox'));
    await check(b, 'inbox-empty');

    // Find the service at B: needs, age, region, places free.
    await a.goto(portal(`/services?clientId=${clientId}`));
    await check(a, 'find-services');
    await a.check('#need-health');
    await a.fill('#f-age', '25');
    await a.fill('#f-region', region);
    await a.check('#f-hasCapacity');
    await a.click('button:has-text("Search")');
    await expect(a.locator('main table').textContent()).resolves.toContain('5 places free of 10');
    await check(a, 'search-results');
    await a.click('a:has-text("Refer a client to Health and work clinic")');

    // The referral form comes pre-filled from the service; it is sent with the keyboard.
    expect(await a.inputValue('#f-toAgencyId')).toBe(B);
    expect(await a.inputValue('#f-domain')).toBe('health');
    expect(await a.inputValue('#f-serviceId')).toBe(serviceId);
    expect(await a.inputValue('#f-clientId')).toBe(clientId);
    await check(a, 'refer');
    // The referral service learns of the consent from an event; until then the agreement says UA-2,
    // shown in place, and sending again is what a caseworker would do.
    await waitFor(
      async () => {
        if (!(await a.locator('#refer-form').count())) return true;
        await tabTo(a, '#refer-form button[type=submit]');
        await a.keyboard.press('Enter');
        await a.waitForLoadState();
        const refusal = (await a.locator('#form-refusal').count()) ? await a.locator('#form-refusal').textContent() : '';
        if (refusal && !/^UA-[12]:|REFERRAL.UNKNOWN/.test(refusal)) throw new Error(`refused: ${refusal}`);
        return !refusal;
      },
      { what: 'the referral to be sent', timeoutMs: 30000, intervalMs: 300 },
    );
    await expect(a.locator('[role=status]').textContent()).resolves.toContain(`Referral sent to ${B} for health`);
    await check(a, 'referral-sent');

    // A second referral for the same client and domain: the agreement's sentence and rule, in place.
    await a.goto(portal(`/refer?clientId=${clientId}&toAgencyId=${C}&domain=health`));
    await a.click('#refer-form button[type=submit]');
    await expect(a.locator('#form-refusal').textContent()).resolves.toMatch(/^UA-5: /);
    expect(await a.getAttribute('#f-toAgencyId', 'value')).toBe(C);
    await check(a, 'refer-refused-UA-5');

    // It arrives in B's open inbox by itself, with the time left to answer (UA-8).
    const row = b.locator('#inbox-rows tr', { hasText: clientId });
    await row.waitFor({ timeout: 30000 });
    await expect(row.textContent()).resolves.toMatch(/requested.*(day|h|min).* left/s);
    await check(b, 'inbox-arrived');
    await row.locator('button:has-text("Accept")').click();
    await expect(b.locator('[role=status]').first().textContent()).resolves.toContain('Referral accepted');
    await expect(b.locator('#inbox-rows tr', { hasText: clientId }).textContent()).resolves.toContain('accepted');
    await check(b, 'inbox-accepted');

    // C tries to take the same client on in health, which B now holds: UA-4, in place.
    const c = await newPage();
    await signIn(c, 'caseworker', C);
    await c.goto(portal(`/clients/${clientId}`));
    await c.selectOption('#f-claimDomain', 'health');
    await c.click('button:has-text("Take on the client")');
    await expect(c.locator('#form-refusal').textContent()).resolves.toMatch(/^UA-4: /);
    await check(c, 'claim-refused-UA-4');

    // The journey shows the registration, consent, referral and acceptance across agencies.
    await a.goto(portal(`/clients/${clientId}/journey`));
    await waitFor(
      async () => {
        const text = (await a.locator('main').textContent()) ?? '';
        if (['ClientRegistered', 'ConsentGiven', 'ReferralRequested', 'ReferralAccepted'].every((t) => text.includes(t))) return true;
        await a.reload();
        return false;
      },
      { what: 'the journey to show the acceptance', timeoutMs: 30000, intervalMs: 500 },
    );
    await check(a, 'journey');
  });

  it('refuses a form whose session the browser no longer has, and keeps nothing of it', async () => {
    const a = await newPage();
    await signIn(a, 'caseworker', A);
    await a.goto(portal(`/refer?toAgencyId=${C}&domain=training`));
    await a.fill('#f-clientId', clientId);
    await a.context().clearCookies();
    const answer = a.waitForResponse((r) => r.url() === portal('/refer') && r.request().method() === 'POST');
    await a.click('#refer-form button[type=submit]');
    expect((await answer).status()).toBe(403);
    await expect(a.locator('#form-refusal').textContent()).resolves.toContain('PORTAL.CSRF');
    await check(a, 'form-refused-csrf');
    await a.click('main a[href="/sign-in"]');
    await signIn(a, 'caseworker', A);
    await a.goto(portal('/refer'));
    expect(await a.inputValue('#f-clientId')).toBe('');
    expect(await a.locator('main').textContent()).not.toContain('was kept');
  });

  it('validates in the browser and shows the server’s field errors when it disagrees', async () => {
    const a = await newPage();
    await signIn(a, 'caseworker', A);
    await a.goto(portal('/refer'));
    await a.fill('#f-clientId', 'not-a-client');
    expect(await a.$eval('#f-clientId', (el) => (el as HTMLInputElement).validity.patternMismatch)).toBe(true);
    expect(await a.$eval('#refer-form', (f) => (f as HTMLFormElement).checkValidity())).toBe(false);
    await check(a, 'refer-browser-validation');
    // The browser takes "sam@localhost" as an email address; the server wants a domain with a dot,
    // and its answer is shown at the field, linked from the error summary.
    await a.goto(portal('/clients'));
    await a.fill('#f-name', `Sam Fielderror ${run}`);
    await a.fill('#f-dateOfBirth', '1990-01-02');
    await a.fill('#f-contact', 'sam@localhost');
    await a.fill('#f-postcode', 'NB2 1AA');
    await a.click('button:has-text("Register client")');
    await expect(a.locator('#f-contact-error').textContent()).resolves.toMatch(/email/);
    expect(await a.getAttribute('#f-contact', 'aria-invalid')).toBe('true');
    expect(await a.getAttribute('#error-summary a[href="#f-contact"]', 'href')).toBe('#f-contact');
    await check(a, 'register-field-errors');
  });

  it('gives agency admins their services with a one-click capacity update', async () => {
    const admin = await newPage();
    await signIn(admin, 'agency-admin', B);
    await admin.goto(portal('/agency'));
    await check(admin, 'agency-services');
    await admin.click('button:has-text("Mark Health and work clinic full")');
    await expect(admin.locator('[role=status]').textContent()).resolves.toContain('Capacity updated: 0 places free');
    await expect(admin.locator('main table').textContent()).resolves.toContain('0 of 10');
    const res = await http('GET', platform.url('agency-directory', `/services/${serviceId}`), { token: await tokenFor('caseworker', A) });
    expect(res.body.capacity.available).toBe(0);
    await check(admin, 'agency-capacity-updated');
  });

  it('gives coordinators the agreement and the decisions taken under it, and analysts the dashboard', async () => {
    const coordinator = await newPage();
    await signIn(coordinator, 'coordinator', null);
    await coordinator.goto(portal('/agreement'));
    await expect(coordinator.locator('main').textContent()).resolves.toContain('(in force)');
    await expect(coordinator.locator('main dl').textContent()).resolves.toContain('UA-4In an exclusive domain, at most one agency holds an active claim on a client.');
    await check(coordinator, 'agreement');
    await coordinator.goto(portal(`/decisions?code=UA-4&clientId=${clientId}`));
    await expect(coordinator.locator('main table').textContent()).resolves.toContain('UA-4');
    await check(coordinator, 'decisions');

    const analyst = await newPage();
    await signIn(analyst, 'analyst', null);
    expect(await analyst.getAttribute('a:has-text("Reporting dashboard")', 'href')).toBe(platform.services.reporting.url);
    await check(analyst, 'home-analyst');
  });

  it('signs in with OpenID Connect (authorization code with PKCE) when a provider is configured', async () => {
    const page = await newPage();
    await page.goto(`http://127.0.0.1:${OIDC_PORTAL_PORT}/inbox`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.locator('#f-agencyId').count()).toBe(0);
    await check(page, 'sign-in-oidc');
    await tabTo(page, 'main button[type=submit]');
    await page.keyboard.press('Enter');
    await page.waitForURL(`http://127.0.0.1:${OIDC_PORTAL_PORT}/inbox`);
    await expect(page.locator('header').textContent()).resolves.toContain(`signed in as oidc-user at ${B}`);
    await expect(page.locator('#inbox-rows').textContent()).resolves.toContain(clientId);
    expect(provider.exchanges).toEqual([{ verifierMatched: true }]);
    // The demo sign-in does not exist in this mode, and a replayed callback is refused.
    expect((await page.goto(`http://127.0.0.1:${OIDC_PORTAL_PORT}/oidc/callback?code=x&state=y`))?.status()).toBe(400);
    const form = await fetch(`http://127.0.0.1:${OIDC_PORTAL_PORT}/sign-in`);
    const local = await fetch(`http://127.0.0.1:${OIDC_PORTAL_PORT}/sign-in`, {
      method: 'POST',
      headers: { cookie: portalCookies(form) },
      body: new URLSearchParams({ _csrf: portalFormToken(await form.text()), role: 'coordinator' }),
    });
    expect(local.status).toBe(404);
  });

  it('returns to sign-in when a service refuses the token (401), keeping the referral being sent', async () => {
    const page = await newPage();
    const oidcPortal = (path: string) => `http://127.0.0.1:${OIDC_PORTAL_PORT}${path}`;
    provider.refuseNextToken = true;
    await page.goto(oidcPortal('/refer'));
    await page.click('main button[type=submit]');
    await page.waitForURL(oidcPortal('/refer'));
    await page.fill('#f-clientId', clientId);
    await page.fill('#f-toAgencyId', C);
    await page.selectOption('#f-domain', 'housing');
    await page.click('#refer-form button[type=submit]');
    await page.waitForURL(/\/sign-in/);
    await expect(page.locator('[role=status]').textContent()).resolves.toContain('your referral has been kept');
    await page.click('main button[type=submit]');
    await page.waitForURL(oidcPortal('/refer'));
    expect([await page.inputValue('#f-clientId'), await page.inputValue('#f-toAgencyId'), await page.inputValue('#f-domain')]).toEqual([clientId, C, 'housing']);
    await check(page, 'refer-restored-after-401');
  });

  it('keeps a half-filled referral when the session has expired, and restores it after sign-in', async () => {
    const page = await newPage();
    const oidcPortal = (path: string) => `http://127.0.0.1:${OIDC_PORTAL_PORT}${path}`;
    provider.nextTokenExpiresIn = 12;
    await page.goto(oidcPortal(`/refer?toAgencyId=${C}&domain=training`));
    await page.click('main button[type=submit]');
    await page.waitForURL(oidcPortal(`/refer?toAgencyId=${C}&domain=training`));
    const signedInAt = Date.now();
    await page.fill('#f-clientId', clientId);
    // The token expires while the form is being written (the portal's clock, the same machine's, decides).
    await waitFor(async () => Date.now() > signedInAt + 13_000, { what: 'the token to expire', timeoutMs: 20_000, intervalMs: 500 });
    await page.click('#refer-form button[type=submit]');
    await page.waitForURL(/\/sign-in/);
    await expect(page.locator('[role=status]').textContent()).resolves.toContain('your referral has been kept');
    await check(page, 'session-expired');
    await page.click('main button[type=submit]');
    await page.waitForURL(oidcPortal('/refer'));
    expect([await page.inputValue('#f-clientId'), await page.inputValue('#f-toAgencyId'), await page.inputValue('#f-domain')]).toEqual([clientId, C, 'training']);
    await check(page, 'refer-restored');
  });

  describe('forged requests', () => {
    /** The consents client-journey holds for a client, as its lead sees them. */
    async function consentsOf(id: string): Promise<string[]> {
      const answer = await http('GET', platform.url('client-journey', `/clients/${id}`), { token: await tokenFor('caseworker', A) });
      expect(answer.status).toBe(200);
      return (answer.body.consents as { agencyId: string; purpose: string }[]).map((c) => `${c.agencyId}:${c.purpose}`);
    }

    /** The token of the page's forms ('' on a page without one). */
    async function tokenOn(page: Page): Promise<string> {
      const field = page.locator('input[name=_csrf]').first();
      return (await field.count()) ? ((await field.getAttribute('value')) ?? '') : '';
    }

    /** Opens the other site's page in the browser and returns the portal's answer to the post it makes. */
    async function openAttacker(page: Page, path: string): Promise<number> {
      const answer = page.waitForResponse((r) => r.url() === portal(path) && r.request().method() === 'POST');
      await page.goto(attackerUrl);
      const status = (await answer).status();
      await page.waitForURL((u) => u.port === String(PORTAL_PORT));
      return status;
    }

    it('refuses a post without its form token, or with another session’s, and records nothing', async () => {
      const fresh = await registerClient(platform, await tokenFor('caseworker', A));
      const [mine, theirs] = [await signInToPortal(portal(''), 'caseworker', A), await signInToPortal(portal(''), 'caseworker', C)];
      const consent = (extra: Record<string, string>) =>
        fetch(portal(`/clients/${fresh}/consents`), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: mine.cookie },
          body: new URLSearchParams({ agencyId: C, purpose: 'case-coordination', evidence: 'written', ...extra }),
          redirect: 'manual',
        });
      for (const extra of [{}, { _csrf: '' }, { _csrf: theirs.csrfToken }] as Record<string, string>[]) {
        const res = await consent(extra);
        expect({ status: res.status, refusal: (await res.text()).includes('PORTAL.CSRF') }).toEqual({ status: 403, refusal: true });
      }
      // The right token, from a page on another port of the same host: refused by its origin.
      const elsewhere = await fetch(portal(`/clients/${fresh}/consents`), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: mine.cookie, origin: attackerUrl.slice(0, -1), 'sec-fetch-site': 'same-site' },
        body: new URLSearchParams({ agencyId: C, purpose: 'case-coordination', evidence: 'written', _csrf: mine.csrfToken }),
      });
      expect(elsewhere.status).toBe(403);
      expect(await consentsOf(fresh)).toEqual([]);
      // The same post with the session's own token is recorded: the refusals above were the token's.
      expect((await consent({ _csrf: mine.csrfToken })).status).toBe(200);
      expect(await consentsOf(fresh)).toEqual([`${C}:case-coordination`]);
    });

    it('refuses a consent auto-posted by a page on another port of the same host, even with the victim’s own token', async () => {
      const fresh = await registerClient(platform, await tokenFor('caseworker', A));
      const victim = await newPage();
      await signIn(victim, 'caseworker', A);
      await victim.goto(portal(`/clients/${fresh}`));
      // Suppose the token leaked: the origin alone must stop the post (SameSite=Strict sends the cookie to another port).
      const leaked = await tokenOn(victim);
      attacker.posts(`/clients/${fresh}/consents`, { agencyId: C, purpose: 'case-coordination', evidence: 'written', _csrf: leaked });
      expect(await openAttacker(victim, `/clients/${fresh}/consents`)).toBe(403);
      await expect(victim.locator('#form-refusal').textContent()).resolves.toContain('PORTAL.CSRF');
      await check(victim, 'cross-site-consent-refused');
      expect(await consentsOf(fresh)).toEqual([]);
    });

    it('does not sign a browser in from another site (login CSRF), signed out or signed in', async () => {
      // The other site has a sign-in token of its own, from the portal's sign-in page.
      const own = await (await fetch(portal('/sign-in'))).text();
      attacker.posts('/sign-in', { _csrf: /name="_csrf" value="([^"]+)"/.exec(own)?.[1] ?? '', role: 'coordinator', agencyId: '', returnTo: '/decisions' });
      const signedOut = await newPage();
      expect(await openAttacker(signedOut, '/sign-in')).toBe(403);
      await signedOut.goto(portal('/'));
      expect(new URL(signedOut.url()).pathname).toBe('/sign-in');
      const signedIn = await newPage();
      await signIn(signedIn, 'caseworker', A);
      expect(await openAttacker(signedIn, '/sign-in')).toBe(403);
      await signedIn.goto(portal('/'));
      await expect(signedIn.locator('header').textContent()).resolves.toContain(`signed in as caseworker@${A} at ${A} (caseworker)`);
      // Nor does a post without the browser's pre-session cookie, whatever token it carries.
      const direct = await fetch(portal('/sign-in'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: /name="_csrf" value="([^"]+)"/.exec(own)?.[1] ?? '', role: 'coordinator' }),
        redirect: 'manual',
      });
      expect(direct.status).toBe(403);
      expect(portalCookies(direct)).not.toContain('umbrella_session');
    });

    it('does not let another site plant a referral draft', async () => {
      const fresh = await registerClient(platform, await tokenFor('caseworker', A));
      const victim = await newPage();
      await signIn(victim, 'caseworker', A);
      await victim.goto(portal('/refer'));
      const leaked = await tokenOn(victim);
      attacker.posts('/refer', { _csrf: leaked, clientId: fresh, toAgencyId: C, domain: 'addiction' });
      // Signed out, the post used to be kept as a draft to show after the next sign-in.
      const signedOut = await newPage();
      expect(await openAttacker(signedOut, '/refer')).toBe(403);
      expect((await signedOut.context().cookies()).map((c) => c.name)).not.toContain('umbrella_draft');
      expect(await openAttacker(victim, '/refer')).toBe(403);
      expect((await victim.context().cookies()).map((c) => c.name)).not.toContain('umbrella_draft');
      await victim.goto(portal('/refer'));
      expect([await victim.inputValue('#f-clientId'), await victim.inputValue('#f-toAgencyId')]).toEqual(['', '']);
      expect(await victim.locator('main').textContent()).not.toContain('was kept');
      const referrals = await http('GET', platform.url('referral', '/referrals'), { token: await tokenFor('caseworker', A) });
      expect((referrals.body as { clientId: string }[]).filter((r) => r.clientId === fresh)).toEqual([]);
    });

    it('ends the session at sign-out: its cookie, copied before, no longer works', async () => {
      const a = await newPage();
      await signIn(a, 'caseworker', A);
      const copied = await a.context().cookies();
      expect(copied.map((c) => c.name)).toContain('umbrella_session');
      const token = await tokenOn(a);
      await a.click('header button:has-text("Sign out")');
      await a.waitForURL(/\/sign-in/);
      await expect(a.locator('[role=status]').textContent()).resolves.toBe('You have signed out.');
      await check(a, 'signed-out');
      // Someone else's browser with the copied cookie: not signed in, and its posts refused.
      const thief = await browser.newContext();
      await thief.addCookies(copied);
      const t = await thief.newPage();
      await t.goto(portal('/inbox'));
      expect(new URL(t.url()).pathname).toBe('/sign-in');
      const cookie = copied.map((c) => `${c.name}=${c.value}`).join('; ');
      const fresh = await registerClient(platform, await tokenFor('caseworker', A));
      const post = await fetch(portal(`/clients/${fresh}/consents`), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ agencyId: C, purpose: 'case-coordination', evidence: 'written', _csrf: token }),
        redirect: 'manual',
      });
      expect(post.status).toBe(403);
      expect(await consentsOf(fresh)).toEqual([]);
    });

    it('shows no text from the address as a notice', async () => {
      const spoof = 'Your account is locked. Call 0800 000 000 to unlock it.';
      const page = await newPage();
      await page.goto(portal(`/sign-in?notice=${encodeURIComponent(spoof)}`));
      expect(await page.locator('body').textContent()).not.toContain('Your account is locked');
      expect(await page.locator('[role=status], [role=alert]').count()).toBe(0);
      await signIn(page, 'caseworker', A);
      const fresh = await registerClient(platform, await tokenFor('caseworker', A));
      for (const path of ['/inbox', `/clients/${fresh}`]) {
        await page.goto(portal(`${path}?notice=${encodeURIComponent(spoof)}&refused=1&registered=1`));
        expect({ path, shown: (await page.locator('body').textContent())?.includes('Your account is locked') }).toEqual({ path, shown: false });
        expect({ path, notices: await page.locator('main [role=status], main [role=alert]').count() }).toEqual({ path, notices: 0 });
      }
    });
  });
});
