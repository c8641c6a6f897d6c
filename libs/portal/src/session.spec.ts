import { cookie, CookieSealer, parseCookies, sessionFromToken } from './session';

const jwt = (claims: Record<string, unknown>) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;

describe('sealed cookies', () => {
  const sealer = new CookieSealer('a-secret-of-at-least-thirty-two-characters');

  it('opens what it sealed, for the same purpose only', () => {
    const sealed = sealer.seal('session', { token: 't', roles: ['caseworker'] });
    expect(sealer.open('session', sealed)).toEqual({ token: 't', roles: ['caseworker'] });
    expect(sealer.open('draft', sealed)).toBeUndefined();
  });

  it('refuses a tampered cookie or one sealed under another secret', () => {
    const sealed = sealer.seal('session', { token: 't' });
    const [nonce, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    expect(sealer.open('session', [nonce, tag, flipped.toString('base64url')].join('.'))).toBeUndefined();
    expect(new CookieSealer('another-secret-of-at-least-thirty-two-chars').open('session', sealed)).toBeUndefined();
    expect(sealer.open('session', 'garbage')).toBeUndefined();
  });

  it('writes httpOnly, SameSite=Strict cookies and reads the Cookie header', () => {
    expect(cookie('s', 'a b', 60, true)).toBe('s=a%20b; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure');
    expect(parseCookies('a=1; s=a%20b; bad=%E0%A4%A')).toEqual({ a: '1', s: 'a b' });
  });
});

describe('the session a token carries', () => {
  it('reads the subject, agency, roles and expiry, with configurable claim paths', () => {
    expect(sessionFromToken(jwt({ sub: 'u1', agency_id: 'college', roles: ['caseworker'], exp: 2000000000 }))).toEqual({
      token: expect.any(String),
      userId: 'u1',
      agencyId: 'college',
      roles: ['caseworker'],
      expiresAt: 2000000000,
    });
    const keycloak = sessionFromToken(jwt({ sub: 'u2', org: { id: 'trust' }, realm_access: { roles: ['agency-admin'] }, exp: 1 }), 'realm_access.roles', 'org.id');
    expect(keycloak).toMatchObject({ agencyId: 'trust', roles: ['agency-admin'] });
  });
});
