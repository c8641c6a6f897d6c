import { createHash } from 'node:crypto';
import { authorizationUrl, checkCallback, PENDING_SIGN_IN_TTL_SECONDS, pkcePair, safeReturnTo, startSignIn } from './oidc';

describe('OpenID Connect sign-in (authorization code with PKCE)', () => {
  it('derives the S256 challenge from a fresh 43-character verifier (RFC 7636)', () => {
    const { verifier, challenge } = pkcePair();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
    expect(pkcePair().verifier).not.toBe(verifier);
  });

  it('sends the provider the challenge, never the verifier', () => {
    const pending = startSignIn('/inbox', 0);
    const url = new URL(authorizationUrl({ authorization_endpoint: 'https://idp.example/auth', token_endpoint: 'https://idp.example/token' }, { clientId: 'portal', redirectUri: 'https://portal.example/oidc/callback', scope: 'openid' }, pending.state, pending.challenge));
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'portal',
      redirect_uri: 'https://portal.example/oidc/callback',
      scope: 'openid',
      state: pending.state,
      code_challenge: pending.challenge,
      code_challenge_method: 'S256',
    });
    expect(url.toString()).not.toContain(pending.verifier);
  });

  it('accepts a callback only with the state this browser started, while it is fresh', () => {
    const pending = startSignIn('/refer', 1000);
    expect(checkCallback(pending, pending.state, 2000)).toBeNull();
    expect(checkCallback(pending, 'forged', 2000)).toMatch(/does not match/);
    expect(checkCallback(undefined, pending.state, 2000)).toMatch(/no sign-in was started/);
    expect(checkCallback(pending, pending.state, 1000 + PENDING_SIGN_IN_TTL_SECONDS * 1000 + 1)).toMatch(/too long/);
  });

  it('returns only to a path on the portal, never to another site', () => {
    expect(safeReturnTo('/refer?clientId=c-1')).toBe('/refer?clientId=c-1');
    expect(safeReturnTo('https://evil.example/')).toBe('/');
    expect(safeReturnTo('//evil.example/')).toBe('/');
    expect(safeReturnTo('/\\evil.example')).toBe('/');
    expect(safeReturnTo(undefined)).toBe('/');
  });
});
