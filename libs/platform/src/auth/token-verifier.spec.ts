import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { AuthConfig } from '../config';
import { TokenRefused, TokenVerifier } from './token-verifier';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const dir = mkdtempSync(join(tmpdir(), 'umbrella-auth-'));
const keyFile = join(dir, 'public.pem');
writeFileSync(keyFile, publicKey.export({ type: 'spki', format: 'pem' }));

const config: AuthConfig = { AUTH_ISSUER: 'https://idp.example/realms/umbrella', AUTH_AUDIENCE: 'umbrella', AUTH_PUBLIC_KEY_FILE: keyFile };

function sign(claims: Record<string, unknown>, options: { iss?: string; aud?: string; exp?: number; key?: typeof privateKey } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256' })
    .setSubject('u-1')
    .setIssuer(options.iss ?? config.AUTH_ISSUER)
    .setAudience(options.aud ?? config.AUTH_AUDIENCE)
    .setExpirationTime(options.exp ?? Math.floor(Date.now() / 1000) + 600)
    .sign(options.key ?? privateKey);
}

async function refusal(verifier: TokenVerifier, token: string | undefined): Promise<string> {
  try {
    await verifier.verify(token);
  } catch (error) {
    expect(error).toBeInstanceOf(TokenRefused);
    return (error as TokenRefused).code;
  }
  throw new Error('token was accepted');
}

describe('TokenVerifier', () => {
  let verifier: TokenVerifier;
  beforeAll(async () => {
    verifier = await TokenVerifier.create(config);
  });

  it('maps a valid token to the principal: subject, agency and known roles only', async () => {
    const principal = await verifier.verify(await sign({ agency_id: 'north-jobcentre', roles: ['caseworker', 'superuser'] }));
    expect(principal).toEqual({ userId: 'u-1', agencyId: 'north-jobcentre', roles: ['caseworker'] });
  });

  it('reads roles and agency from configured claim paths (e.g. Keycloak realm roles)', async () => {
    const keycloak = await TokenVerifier.create({ ...config, AUTH_ROLES_CLAIM: 'realm_access.roles', AUTH_AGENCY_CLAIM: 'umbrella.agency' });
    const principal = await keycloak.verify(await sign({ realm_access: { roles: ['coordinator'] }, umbrella: { agency: 'north-council' } }));
    expect(principal).toEqual({ userId: 'u-1', agencyId: 'north-council', roles: ['coordinator'] });
  });

  it('gives a partnership-wide user no agency', async () => {
    expect((await verifier.verify(await sign({ roles: ['analyst'] }))).agencyId).toBeNull();
  });

  it.each([
    ['missing', async () => undefined, 'AUTH.TOKEN_MISSING'],
    ['not a JWT', async () => 'abc', 'AUTH.TOKEN_MALFORMED'],
    ['expired', async () => sign({ roles: [] }, { exp: Math.floor(Date.now() / 1000) - 60 }), 'AUTH.TOKEN_EXPIRED'],
    ['wrong issuer', async () => sign({ roles: [] }, { iss: 'https://elsewhere' }), 'AUTH.TOKEN_ISSUER_INVALID'],
    ['wrong audience', async () => sign({ roles: [] }, { aud: 'other' }), 'AUTH.TOKEN_AUDIENCE_INVALID'],
    ['signed by another key', async () => sign({ roles: [] }, { key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey }), 'AUTH.TOKEN_SIGNATURE_INVALID'],
    ['an invalid agency claim', async () => sign({ roles: ['caseworker'], agency_id: 'DROP TABLE' }), 'AUTH.TOKEN_CLAIMS_INVALID'],
  ])('refuses a token that is %s', async (_what, make, code) => {
    expect(await refusal(verifier, await make())).toBe(code);
  });

  it('refuses unsigned and shared-secret tokens whatever they claim', async () => {
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const body = enc({ sub: 'x', iss: config.AUTH_ISSUER, aud: config.AUTH_AUDIENCE, exp: 9999999999, roles: ['coordinator'] });
    expect(await refusal(verifier, `${enc({ alg: 'none' })}.${body}.`)).toBe('AUTH.TOKEN_MALFORMED');
    const hs = await new SignJWT({ roles: ['coordinator'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuer(config.AUTH_ISSUER)
      .setAudience(config.AUTH_AUDIENCE)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(publicKey.export({ type: 'spki', format: 'pem' }) as string));
    expect(await refusal(verifier, hs)).toBe('AUTH.TOKEN_SIGNATURE_INVALID');
  });

  it('will not start with a symmetric algorithm or an unreadable key', async () => {
    await expect(TokenVerifier.create({ ...config, AUTH_ALGORITHMS: 'HS256' })).rejects.toThrow(/AUTH_ALGORITHMS: HS256 is not allowed/);
    await expect(TokenVerifier.create({ ...config, AUTH_PUBLIC_KEY_FILE: join(dir, 'missing.pem') })).rejects.toThrow(/AUTH_PUBLIC_KEY_FILE: cannot read/);
  });
});

describe('TokenVerifier with a JWKS URL (an identity provider such as Keycloak)', () => {
  it('fetches the signing keys from the provider and verifies tokens signed by it, by key id', async () => {
    const { createServer } = await import('node:http');
    const { exportJWK } = await import('jose');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'idp-key-1', alg: 'RS256', use: 'sig' };
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(req.url === '/certs' ? { keys: [jwk] } : {}));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const verifier = await TokenVerifier.create({ AUTH_ISSUER: config.AUTH_ISSUER, AUTH_AUDIENCE: config.AUTH_AUDIENCE, AUTH_JWKS_URL: `http://127.0.0.1:${port}/certs` });
      const signed = await new SignJWT({ roles: ['analyst'] })
        .setProtectedHeader({ alg: 'RS256', kid: 'idp-key-1' })
        .setSubject('u-9')
        .setIssuer(config.AUTH_ISSUER)
        .setAudience(config.AUTH_AUDIENCE)
        .setExpirationTime('5m')
        .sign(privateKey);
      expect(await verifier.verify(signed)).toEqual({ userId: 'u-9', agencyId: null, roles: ['analyst'] });
      const unknownKey = await new SignJWT({ roles: ['analyst'] })
        .setProtectedHeader({ alg: 'RS256', kid: 'someone-else' })
        .setSubject('u-9')
        .setIssuer(config.AUTH_ISSUER)
        .setAudience(config.AUTH_AUDIENCE)
        .setExpirationTime('5m')
        .sign(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
      expect(await refusal(verifier, unknownKey)).toBe('AUTH.TOKEN_SIGNATURE_INVALID');
    } finally {
      server.close();
    }
  });
});
