import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** Who is signed in, and the bearer token the portal's server calls the APIs with. */
export interface Session {
  readonly token: string;
  readonly userId: string;
  readonly agencyId: string | null;
  readonly roles: string[];
  /** Seconds since the epoch: the token's own expiry. */
  readonly expiresAt: number;
}

/**
 * Seals a value into a cookie: AES-256-GCM with a random nonce, so page scripts and the browser's
 * user can neither read the token nor forge a session. `purpose` is authenticated data: a sealed
 * draft form cannot be replayed as a session.
 */
export class CookieSealer {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHash('sha256').update(`umbrella-portal:${secret}`).digest();
  }

  seal(purpose: string, value: unknown): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(purpose));
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return [nonce, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
  }

  /** The value, or undefined for a cookie that is tampered with, sealed under another key or for another purpose. */
  open<T>(purpose: string, sealed: string | undefined): T | undefined {
    if (!sealed) return undefined;
    const parts = sealed.split('.');
    if (parts.length !== 3) return undefined;
    try {
      const [nonce, tag, body] = parts.map((p) => Buffer.from(p, 'base64url'));
      const decipher = createDecipheriv('aes-256-gcm', this.key, nonce);
      decipher.setAAD(Buffer.from(purpose));
      decipher.setAuthTag(tag);
      return JSON.parse(Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8')) as T;
    } catch {
      return undefined;
    }
  }
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (header ?? '').split(';')) {
    const i = pair.indexOf('=');
    if (i < 0) continue;
    const name = pair.slice(0, i).trim();
    try {
      out[name] = decodeURIComponent(pair.slice(i + 1).trim());
    } catch {
      // a cookie we did not write; ignore it
    }
  }
  return out;
}

/** httpOnly and SameSite=Strict: never readable by page scripts, never sent by another site's form. */
export function cookie(name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

/** Reads a claim by name or dotted path (e.g. `realm_access.roles`), as the services do. */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), claims);
}

/** The session a token carries (its claims are read, not verified: the APIs verify every call). */
export function sessionFromToken(token: string, rolesClaim = 'roles', agencyClaim = 'agency_id'): Session {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('not a JWT');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const roles = claimAt(claims, rolesClaim);
  const agency = claimAt(claims, agencyClaim);
  return {
    token,
    userId: String(claims.sub ?? ''),
    agencyId: typeof agency === 'string' ? agency : null,
    roles: Array.isArray(roles) ? roles.map(String) : [],
    expiresAt: typeof claims.exp === 'number' ? claims.exp : Math.floor(Date.now() / 1000) + 3600,
  };
}
