// The local identity used by `npm run up`, the demo data and `npm run token`: a key pair this
// machine generates (git-ignored under .umbrella/keys). Production configures a real identity
// provider instead (AUTH_ISSUER, AUTH_AUDIENCE, AUTH_JWKS_URL); services have no default key.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importPKCS8, SignJWT } from 'jose';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
export const KEY_DIR = join(process.env.UMBRELLA_HOME ?? join(repo, '.umbrella'), 'keys');
export const PRIVATE_KEY_FILE = join(KEY_DIR, 'local-private.pem');
export const PUBLIC_KEY_FILE = join(KEY_DIR, 'local-public.pem');
// client-journey's personal-data key, as an env file docker compose reads too (env_file).
export const CLIENT_DATA_KEY_FILE = join(KEY_DIR, 'client-data.env');
export const LOCAL_ISSUER = 'urn:umbrella:local-development';
export const AUDIENCE = 'umbrella';
export const ROLES = ['caseworker', 'agency-admin', 'coordinator', 'analyst', 'operator'];

/** Creates the local key pair once. */
export function ensureLocalKeys() {
  if (existsSync(PRIVATE_KEY_FILE) && existsSync(PUBLIC_KEY_FILE)) return;
  mkdirSync(KEY_DIR, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  writeFileSync(PRIVATE_KEY_FILE, privateKey, { mode: 0o600 });
  chmodSync(PRIVATE_KEY_FILE, 0o600);
  writeFileSync(PUBLIC_KEY_FILE, publicKey);
}

/**
 * Creates client-journey's personal-data key once (32 random bytes, base64) and returns it. It is
 * kept, never regenerated: the personal data in the local database is sealed under it.
 */
export function ensureClientDataKey() {
  if (!existsSync(CLIENT_DATA_KEY_FILE)) {
    mkdirSync(KEY_DIR, { recursive: true, mode: 0o700 });
    writeFileSync(CLIENT_DATA_KEY_FILE, `CLIENT_DATA_KEY=${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  }
  return /^CLIENT_DATA_KEY=(\S+)$/m.exec(readFileSync(CLIENT_DATA_KEY_FILE, 'utf8'))[1];
}

/** Signs a token for a user of an agency with the given roles. */
export async function mintToken({ sub, agencyId, roles, ttlSeconds = 8 * 3600 }) {
  ensureLocalKeys();
  const key = await importPKCS8(readFileSync(PRIVATE_KEY_FILE, 'utf8'), 'RS256');
  const claims = { roles };
  if (agencyId) claims.agency_id = agencyId;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(key);
}

// `node deploy/local-auth.mjs env` prints the services' AUTH_* settings for the local key (and
// creates the client data key file compose reads); `client-data-key` prints that key alone, so
// only client-journey is given it.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'env') {
  ensureLocalKeys();
  ensureClientDataKey();
  console.log(`AUTH_ISSUER=${LOCAL_ISSUER}\nAUTH_AUDIENCE=${AUDIENCE}\nAUTH_PUBLIC_KEY_FILE=${PUBLIC_KEY_FILE}`);
} else if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'client-data-key') {
  console.log(ensureClientDataKey());
}
