import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Express } from 'express';
import { testPortalConfig } from './test/portal-config';
import { createPortalApp } from './portal.server';

/*
 * Forged form posts, in-process: the portal (local sign-in on) over a stub of the four services
 * that records every call. A post the portal refuses must reach no service.
 */

interface Call {
  readonly method: string;
  readonly path: string;
}

/** One browser: its cookies, kept from answer to answer. */
class Browser {
  readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async send(method: string, path: string, form?: Record<string, string>, headers: Record<string, string> = {}) {
    const res = await fetch(`${this.base}${path}`, {
      method,
      redirect: 'manual',
      headers: { ...(this.cookies.size ? { cookie: this.header() } : {}), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...headers },
      body: form ? new URLSearchParams(form) : undefined,
    });
    const setCookies = res.headers.getSetCookie();
    for (const c of setCookies) {
      const [pair, ...attributes] = c.split(';');
      const i = pair.indexOf('=');
      const [name, value] = [pair.slice(0, i), pair.slice(i + 1)];
      if (attributes.some((a) => a.trim() === 'Max-Age=0')) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, location: res.headers.get('location'), text: await res.text(), setCookies };
  }

  /** The token in the page's forms (every form of a page carries the same one). */
  static tokenIn(page: string): string {
    const tokens = [...page.matchAll(/<input type="hidden" name="_csrf" value="([^"]*)">/g)].map((m) => m[1]);
    if (!tokens.length) throw new Error('no form token on the page');
    return tokens[0];
  }
}

describe('forged form posts', () => {
  const calls: Call[] = [];
  let api: Server;
  let server: Server;
  let app: Express;
  let base: string;
  let keyDir: string;

  beforeAll(async () => {
    api = createServer((req, res) => {
      calls.push({ method: req.method ?? '', path: req.url ?? '' });
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST') res.statusCode = 201;
      const path = req.url ?? '';
      const body =
        path === '/agencies' || path === '/referrals'
          ? []
          : path.endsWith('/profile')
            ? { agency: { name: 'College' }, services: [] }
            : path.startsWith('/clients/') ? { id: 'c-0123456789abcdef', consents: [] } : { id: 'c-0123456789abcdef', respondBy: new Date().toISOString() };
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    keyDir = mkdtempSync(join(tmpdir(), 'portal-spec-'));
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(keyDir, 'private.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const config = testPortalConfig({ PORTAL_LOCAL_SIGNING_KEY_FILE: join(keyDir, 'private.pem') }, apiUrl);
    app = createPortalApp(config);
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await new Promise((resolve) => api.close(resolve));
    rmSync(keyDir, { recursive: true, force: true });
  });

  /** Signs a new browser in as the portal's own sign-in page does: the form first, then the post with its token. */
  async function signedIn(role = 'caseworker', agencyId = 'college'): Promise<Browser> {
    const browser = new Browser(base);
    const form = await browser.send('GET', '/sign-in');
    const answer = await browser.send('POST', '/sign-in', { _csrf: Browser.tokenIn(form.text), role, agencyId, returnTo: '/' });
    expect(answer).toMatchObject({ status: 303, location: '/' });
    return browser;
  }

  const posts = () => calls.filter((c) => c.method !== 'GET');

  it('puts a token in every form that posts, on every page', async () => {
    const browser = await signedIn();
    for (const path of ['/clients', '/refer', '/clients/c-0123456789abcdef', '/']) {
      const page = (await browser.send('GET', path)).text;
      const forms = [...page.matchAll(/<form[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/g)];
      expect({ path, forms: forms.length > 0 }).toEqual({ path, forms: true });
      for (const f of forms) expect({ path, form: f[0].slice(0, 80), token: f[1].includes('name="_csrf"') }).toEqual({ path, form: f[0].slice(0, 80), token: true });
    }
  });

  it('refuses a post to every route that takes one, without the token, with 403 PORTAL.CSRF and no call to a service', async () => {
    const browser = await signedIn();
    const router = (app as unknown as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }).router;
    const routes = router.stack.filter((l) => l.route?.methods.post).map((l) => (l.route as { path: string }).path);
    expect(routes).toEqual(expect.arrayContaining(['/sign-in', '/sign-out', '/oidc/start', '/clients', '/clients/:clientId/consents', '/refer', '/referrals/:id/:action']));
    calls.length = 0;
    for (const route of routes) {
      const path = route.replace(':clientId', 'c-0123456789abcdef').replace(':id', 'x').replace(':action', 'accept');
      for (const form of [{}, { _csrf: 'guessed' }, { _csrf: '' }] as Record<string, string>[]) {
        const answer = await browser.send('POST', path, { ...form, agencyId: 'college', role: 'coordinator', clientId: 'c-0123456789abcdef', available: '0' });
        expect({ path, status: answer.status, code: answer.text.includes('PORTAL.CSRF') }).toEqual({ path, status: 403, code: true });
      }
    }
    // Any other method changes nothing either, before a route is even looked for.
    expect((await browser.send('PUT', '/clients', {})).status).toBe(403);
    expect(posts()).toEqual([]);
    // Still signed in, as the same user: the sign-in posts did nothing.
    expect((await browser.send('GET', '/')).text).toContain('signed in as caseworker@college');
  });

  it("refuses the token of another user's session, and accepts the session's own", async () => {
    const [victim, attacker] = [await signedIn(), await signedIn('caseworker', 'trust')];
    const attackerToken = Browser.tokenIn((await attacker.send('GET', '/clients')).text);
    calls.length = 0;
    const consent = { agencyId: 'trust', purpose: 'referral', evidence: 'written' };
    expect((await victim.send('POST', '/clients/c-0123456789abcdef/consents', { ...consent, _csrf: attackerToken })).status).toBe(403);
    expect(posts()).toEqual([]);
    const own = Browser.tokenIn((await victim.send('GET', '/clients')).text);
    expect((await victim.send('POST', '/clients/c-0123456789abcdef/consents', { ...consent, _csrf: own })).status).toBe(200);
    expect(posts()).toEqual([{ method: 'POST', path: '/clients/c-0123456789abcdef/consents' }]);
  });

  it('refuses a post with the right token from another origin or site (another port of the same host included)', async () => {
    const browser = await signedIn();
    const token = Browser.tokenIn((await browser.send('GET', '/clients')).text);
    const consent = { agencyId: 'trust', purpose: 'referral', evidence: 'written', _csrf: token };
    const other = `http://127.0.0.1:${Number(new URL(base).port) + 1}`;
    calls.length = 0;
    for (const headers of [{ origin: other }, { origin: 'null' }, { origin: 'https://evil.example' }, { 'sec-fetch-site': 'same-site' }, { 'sec-fetch-site': 'cross-site', origin: base }] as Record<string, string>[]) {
      const answer = await browser.send('POST', '/clients/c-0123456789abcdef/consents', consent, headers);
      expect({ headers, status: answer.status, code: answer.text.includes('PORTAL.CSRF') }).toEqual({ headers, status: 403, code: true });
    }
    expect(posts()).toEqual([]);
    expect((await browser.send('POST', '/clients/c-0123456789abcdef/consents', consent, { origin: base, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect(posts()).toHaveLength(1);
  });

  it("does not sign a browser in with a sign-in token that is not its own (login CSRF)", async () => {
    const attacker = new Browser(base);
    const attackerToken = Browser.tokenIn((await attacker.send('GET', '/sign-in')).text);
    const victim = new Browser(base);
    await victim.send('GET', '/sign-in');
    for (const form of [{ role: 'coordinator' }, { role: 'coordinator', _csrf: attackerToken }] as Record<string, string>[]) {
      const answer = await victim.send('POST', '/sign-in', form);
      expect(answer.status).toBe(403);
      expect(answer.setCookies.filter((c) => c.startsWith('umbrella_session='))).toEqual([]);
    }
    // the attacker's own token, posted from the attacker's page on another port: refused by origin too
    const fromElsewhere = await attacker.send('POST', '/sign-in', { role: 'coordinator', _csrf: attackerToken }, { origin: 'http://127.0.0.1:1' });
    expect(fromElsewhere.status).toBe(403);
    expect(victim.cookies.has('umbrella_session')).toBe(false);
    expect((await victim.send('GET', '/')).location).toBe('/sign-in?returnTo=%2F&notice=sign-in');
  });

  it('ends the session at sign-out: a copy of its cookie taken before no longer works', async () => {
    const browser = await signedIn();
    const copied = browser.header();
    const token = Browser.tokenIn((await browser.send('GET', '/')).text);
    expect((await browser.send('POST', '/sign-out', { _csrf: token })).location).toBe('/sign-in?notice=signed-out');
    const thief = new Browser(base);
    for (const part of copied.split('; ')) thief.cookies.set(part.split('=')[0], part.slice(part.indexOf('=') + 1));
    expect(await thief.send('GET', '/inbox')).toMatchObject({ status: 303, location: '/sign-in?returnTo=%2Finbox&notice=sign-in' });
    calls.length = 0;
    expect((await thief.send('POST', '/refer', { _csrf: token, clientId: 'c-0123456789abcdef', toAgencyId: 'trust', domain: 'health' })).status).toBe(403);
    expect(posts()).toEqual([]);
  });

  it('gives a new session id at every sign-in and ends the one the browser had', async () => {
    const browser = await signedIn();
    const first = browser.cookies.get('umbrella_session');
    const form = await browser.send('GET', '/sign-in');
    await browser.send('POST', '/sign-in', { _csrf: Browser.tokenIn(form.text), role: 'agency-admin', agencyId: 'college', returnTo: '/' });
    const second = browser.cookies.get('umbrella_session');
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    const old = new Browser(base);
    old.cookies.set('umbrella_session', first as string);
    expect((await old.send('GET', '/')).status).toBe(303);
  });

  it('keeps a draft referral only for a post of the session’s own form', async () => {
    const browser = await signedIn();
    const refused = await browser.send('POST', '/refer', { clientId: 'c-0123456789abcdef', toAgencyId: 'trust', domain: 'health' }, { origin: 'http://127.0.0.1:1' });
    expect(refused.status).toBe(403);
    expect(refused.setCookies).toEqual([]);
    const page = (await browser.send('GET', '/refer')).text;
    expect(page).not.toContain('Your referral was kept');
    expect(page).toContain('id="f-clientId" name="clientId" required aria-describedby="f-clientId-hint" type="text" value=""');
  });

  it('over HTTPS names its cookies __Host- and Secure, and takes posts only from the configured origin', async () => {
    const config = testPortalConfig({ PORTAL_ORIGIN: 'https://portal.example.org', OIDC_REDIRECT_URI: 'https://portal.example.org/oidc/callback' });
    const https = createPortalApp(config).listen(0, '127.0.0.1');
    await new Promise((resolve) => https.once('listening', resolve));
    try {
      const browser = new Browser(`http://127.0.0.1:${(https.address() as AddressInfo).port}`);
      const page = await browser.send('GET', '/sign-in');
      expect(page.setCookies).toEqual([expect.stringMatching(/^__Host-umbrella_pre_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=86400; Secure$/)]);
      const form = { _csrf: Browser.tokenIn(page.text), returnTo: '/' };
      // the Host it was sent to does not count when the origin is configured
      const host = new URL(browser.base).host;
      expect((await browser.send('POST', '/oidc/start', form, { origin: `http://${host}` })).status).toBe(403);
      expect((await browser.send('POST', '/oidc/start', { ...form, _csrf: 'x' }, { origin: 'https://portal.example.org' })).status).toBe(403);
      // the right origin and token pass the check (and then the provider, which is not there, fails the start)
      const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      expect((await browser.send('POST', '/oidc/start', form, { origin: 'https://portal.example.org' })).status).toBe(502);
      expect(quiet).toHaveBeenCalled();
      quiet.mockRestore();
    } finally {
      await new Promise((resolve) => https.close(resolve));
    }
  });

  it('shows no free text from the query string: only the fixed sentences of known notice codes', async () => {
    const spoof = 'Your account is locked: call 0800 000 000';
    const signIn = await new Browser(base).send('GET', `/sign-in?notice=${encodeURIComponent(spoof)}`);
    expect(signIn.status).toBe(200);
    expect(signIn.text).not.toContain('Your account is locked');
    expect(signIn.text).not.toContain('class="notice"');
    expect((await new Browser(base).send('GET', '/sign-in?notice=toString')).text).not.toContain('class="notice"');
    expect((await new Browser(base).send('GET', '/sign-in?notice=signed-out')).text).toContain('<p class="notice" role="status">You have signed out.</p>');
    const browser = await signedIn('agency-admin');
    for (const path of ['/inbox', '/agency']) {
      const page = await browser.send('GET', `${path}?notice=${encodeURIComponent(spoof)}&refused=1`);
      expect({ path, shown: page.text.includes('Your account is locked') }).toEqual({ path, shown: false });
    }
  });
});
