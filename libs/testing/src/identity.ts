import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { REPO_ROOT } from './infrastructure';

/** The identity provider the tests play: its own key pair, issuer and audience (never the local development key). */
export const TEST_ISSUER = 'urn:umbrella:test-idp';
export const TEST_AUDIENCE = 'umbrella-test';
const KEY_DIR = join(REPO_ROOT, '.umbrella', 'test-keys');
const PRIVATE_KEY = join(KEY_DIR, 'private.pem');
const PUBLIC_KEY = join(KEY_DIR, 'public.pem');

export function ensureTestKeys(): void {
  if (existsSync(PRIVATE_KEY) && existsSync(PUBLIC_KEY)) return;
  mkdirSync(KEY_DIR, { recursive: true });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  writeFileSync(PRIVATE_KEY, privateKey, { mode: 0o600 });
  writeFileSync(PUBLIC_KEY, publicKey);
}

/** The AUTH_* settings a service under test needs to trust the test identity provider. */
export function testAuthEnv(): Record<string, string> {
  ensureTestKeys();
  return { AUTH_ISSUER: TEST_ISSUER, AUTH_AUDIENCE: TEST_AUDIENCE, AUTH_PUBLIC_KEY_FILE: PUBLIC_KEY };
}

export interface TokenOptions {
  readonly sub?: string;
  readonly agencyId?: string;
  readonly roles?: string[];
  readonly issuer?: string;
  readonly audience?: string;
  /** Seconds from now; negative for an expired token. */
  readonly expiresIn?: number;
  /** Sign with another key than the one the services trust. */
  readonly signingKey?: KeyObject;
}

export async function token(options: TokenOptions = {}): Promise<string> {
  ensureTestKeys();
  const key = options.signingKey ?? (await import('node:crypto')).createPrivateKey(readFileSync(PRIVATE_KEY, 'utf8'));
  const claims: Record<string, unknown> = { roles: options.roles ?? [] };
  if (options.agencyId) claims.agency_id = options.agencyId;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setSubject(options.sub ?? `user-${options.roles?.join('-') ?? 'none'}@${options.agencyId ?? 'partnership'}`)
    .setIssuer(options.issuer ?? TEST_ISSUER)
    .setAudience(options.audience ?? TEST_AUDIENCE)
    .setIssuedAt(now - 10)
    .setExpirationTime(now + (options.expiresIn ?? 3600))
    .sign(key);
}

/** A token of the given role for a user of the given agency. */
export function tokenFor(role: string, agencyId?: string, sub?: string): Promise<string> {
  return token({ roles: [role], agencyId, sub });
}

/** An unsigned token (`alg: none`), which must never be accepted. */
export function unsignedToken(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.`;
}

export function otherKey(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

export function testPublicKeyPem(): string {
  ensureTestKeys();
  return readFileSync(PUBLIC_KEY, 'utf8');
}
