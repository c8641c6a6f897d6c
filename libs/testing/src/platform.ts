import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { TEST_AUDIENCE, TEST_ISSUER, testAuthEnv } from './identity';
import { recreateTestDatabase, REPO_ROOT } from './infrastructure';
import { RunningService, startService } from './service-process';

export const SERVICE_NAMES = ['referral', 'agency-directory', 'client-journey', 'reporting'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

// A key per test file (jest loads modules per file); every platform starts on fresh databases,
// so nothing sealed under another key is ever read.
const testClientDataKey = randomBytes(32).toString('base64');

/** What one service needs beyond the shared settings: client-journey's personal-data key. */
export function testServiceEnv(name: ServiceName): Record<string, string> {
  return name === 'client-journey' ? { CLIENT_DATA_KEY: testClientDataKey } : {};
}

export interface TestPlatform {
  readonly services: Record<ServiceName, RunningService>;
  readonly databases: Record<ServiceName, string>;
  url(name: ServiceName, path: string): string;
  /** Stops every service gracefully; resolves to how each exited. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }[]>;
}

/**
 * Starts the four services as real processes on ports basePort+1…+4, each on a fresh database
 * named umbrella_<service>_<tag>_test, the test broker and the test identity provider.
 */
export async function startPlatform(basePort: number, tag: string, extraEnv: Record<string, string> = {}): Promise<TestPlatform> {
  const databases = {} as Record<ServiceName, string>;
  for (const name of SERVICE_NAMES) databases[name] = await recreateTestDatabase(`umbrella_${name.replace('-', '_')}_${tag}_test`);
  const services = {} as Record<ServiceName, RunningService>;
  await Promise.all(
    SERVICE_NAMES.map(async (name, i) => {
      services[name] = await startService(
        name,
        basePort + i + 1,
        { DATABASE_URL: databases[name], KAFKA_BROKERS: process.env.KAFKA_BROKERS as string, INSTANCE_ID: `${name}-${tag}`, ...testAuthEnv(), ...extraEnv, ...testServiceEnv(name) },
        `${name}-${tag}`,
      );
    }),
  );
  return {
    services,
    databases,
    url: (name, path) => `${services[name].url}${path}`,
    stop: () => Promise.all(SERVICE_NAMES.map((n) => services[n].stop())),
  };
}

/**
 * Starts the portal over a test platform's four services. Without `extraEnv` naming an OpenID
 * Connect provider it signs demo users in with the test identity provider's key, which the
 * services trust.
 */
export function startPortal(platform: TestPlatform, port: number, logName: string, extraEnv: Record<string, string> = {}): Promise<RunningService> {
  const signIn: Record<string, string> = extraEnv.OIDC_ISSUER
    ? {}
    : { PORTAL_LOCAL_SIGNING_KEY_FILE: join(REPO_ROOT, '.umbrella', 'test-keys', 'private.pem'), PORTAL_LOCAL_ISSUER: TEST_ISSUER, PORTAL_LOCAL_AUDIENCE: TEST_AUDIENCE };
  return startService(
    'portal',
    port,
    {
      REFERRAL_URL: platform.services.referral.url,
      AGENCY_DIRECTORY_URL: platform.services['agency-directory'].url,
      CLIENT_JOURNEY_URL: platform.services['client-journey'].url,
      REPORTING_URL: platform.services.reporting.url,
      PORTAL_SESSION_SECRET: randomBytes(32).toString('base64'),
      ...signIn,
      ...extraEnv,
    },
    logName,
  );
}

/** A browser signed in to the portal: its cookies (a `Cookie` header) and its session's form token. */
export interface PortalSession {
  readonly cookie: string;
  readonly csrfToken: string;
}

/** The token in a portal page's forms (`<input type="hidden" name="_csrf" …>`). */
export function portalFormToken(page: string): string {
  const token = /<input type="hidden" name="_csrf" value="([^"]+)">/.exec(page)?.[1];
  if (!token) throw new Error('the portal page has no form token');
  return token;
}

/** The `name=value` pairs an answer sets, as a `Cookie` header (cookies it clears left out). */
export function portalCookies(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .filter((pair) => !pair.endsWith('='))
    .join('; ');
}

/**
 * Signs in on the portal's local sign-in page as a browser does: the form first (it sets the
 * pre-session cookie its token is bound to), then the post with that token.
 */
export async function signInToPortal(portalUrl: string, role: string, agencyId: string | null): Promise<PortalSession> {
  const form = await fetch(`${portalUrl}/sign-in`);
  const posted = await fetch(`${portalUrl}/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: portalCookies(form) },
    body: new URLSearchParams({ _csrf: portalFormToken(await form.text()), role, agencyId: agencyId ?? '', returnTo: '/' }),
    redirect: 'manual',
  });
  const cookie = portalCookies(posted);
  if (posted.status !== 303 || !/umbrella_session=./.test(cookie)) throw new Error(`the portal did not sign ${role} in: ${posted.status} ${await posted.text()}`);
  const home = await fetch(`${portalUrl}/`, { headers: { cookie } });
  return { cookie, csrfToken: portalFormToken(await home.text()) };
}

export interface HttpResult {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

/**
 * A command sent as a well-behaved client sends it: with an Idempotency-Key, retried with the same
 * key after a dropped connection or a 503 (waiting as Retry-After says), a few times at most.
 */
export async function command(method: string, url: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}, attempts = 6): Promise<HttpResult> {
  const key = randomBytes(16).toString('hex');
  for (let attempt = 1; ; attempt += 1) {
    const result = await http(method, url, { ...options, headers: { 'idempotency-key': key, ...options.headers } }).catch((error: Error) => {
      if (attempt >= attempts) throw error;
      return null;
    });
    if (result && (result.status !== 503 || attempt >= attempts)) return result;
    // the services ask for 1-2 s (Retry-After); a little jitter keeps retries from arriving together
    await new Promise((resolve) => setTimeout(resolve, 1000 + Math.floor(Math.random() * 500)));
  }
}

/** A JSON call with an optional bearer token; `raw` sends a body verbatim. */
export async function http(method: string, url: string, options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<HttpResult> {
  const res = await fetch(url, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (e.g. metrics): keep the text
  }
  return { status: res.status, body };
}
