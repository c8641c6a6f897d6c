import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The stable code of a refused form post: no valid form token, or sent from another origin. */
export const CSRF_CODE = 'PORTAL.CSRF';

/** The hidden field every form the portal renders carries its token in. */
export const CSRF_FIELD = '_csrf';

/** Methods that change nothing, so need no token; every other method is checked. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** 256 random bits, URL-safe: session ids, per-session form secrets, pre-session ids. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Whether the token sent equals the one expected, in time that does not depend on where they
 * differ: both are hashed first, so the comparison is over equal lengths whatever was sent.
 */
export function sameToken(sent: unknown, expected: string | undefined): boolean {
  if (typeof sent !== 'string' || !sent || !expected) return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(sent), digest(expected));
}

/**
 * The sign-in form's token: bound to the browser's pre-session cookie by an HMAC under the
 * portal's secret, so no one but this portal can make one and it is good only in the browser
 * that holds that cookie. (There is no session yet to keep a secret in.)
 */
export class SignInTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHash('sha256').update(`umbrella-portal-sign-in-form:${secret}`).digest();
  }

  tokenFor(preSessionId: string): string {
    return createHmac('sha256', this.key).update(preSessionId).digest('base64url');
  }

  check(preSessionId: string | undefined, sent: unknown): boolean {
    return !!preSessionId && sameToken(sent, this.tokenFor(preSessionId));
  }
}

/** A pre-session or session id as this portal writes them (anything else is not looked up). */
export function isRandomToken(value: string | undefined): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
}

/**
 * Why a request that changes state did not come from the portal's own pages, or null when
 * nothing says it did not. `Sec-Fetch-Site` (sent by current browsers) must be `same-origin` or
 * `none` (the user's own action): `same-site` is another port or subdomain of the same site,
 * which SameSite cookies do not tell apart. `Origin`, when sent, must be the portal's own: the
 * configured one, or else the origin whose host is the `Host` the request was sent to. Neither
 * header is required (older browsers, other clients): the form token is checked as well.
 */
export function crossOriginProblem(headers: IncomingHttpHeaders, ownOrigin?: string): string | null {
  const site = headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return 'it was sent from another site';
  const origin = headers.origin;
  if (origin === undefined) return null;
  if (ownOrigin !== undefined) return origin === ownOrigin ? null : 'it was sent from another origin';
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined; // `null` (a sandboxed frame, a redirect from elsewhere) or not a URL at all
  }
  return host !== undefined && host === headers.host?.toLowerCase() ? null : 'it was sent from another origin';
}
