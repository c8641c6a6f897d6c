import { crossOriginProblem, isRandomToken, randomToken, sameToken, SignInTokens } from './csrf';

describe('form tokens', () => {
  it('match only the same token, whatever was sent instead', () => {
    const token = randomToken();
    expect(sameToken(token, token)).toBe(true);
    expect(sameToken(`${token}x`, token)).toBe(false);
    expect(sameToken(token.slice(1), token)).toBe(false);
    expect(sameToken('', token)).toBe(false);
    expect(sameToken(undefined, token)).toBe(false);
    expect(sameToken([token], token)).toBe(false);
    expect(sameToken(token, undefined)).toBe(false);
    expect(sameToken('', '')).toBe(false);
  });

  it('are 256 random bits, URL-safe, never the same twice', () => {
    const a = randomToken();
    expect(isRandomToken(a)).toBe(true);
    expect(randomToken()).not.toBe(a);
    expect(isRandomToken('short')).toBe(false);
    expect(isRandomToken(`${a.slice(0, 42)}=`)).toBe(false);
    expect(isRandomToken(undefined)).toBe(false);
  });

  it("bind the sign-in form's token to the browser's pre-session cookie and the portal's secret", () => {
    const tokens = new SignInTokens('a-secret-of-at-least-thirty-two-characters');
    const mine = randomToken();
    const theirs = randomToken();
    expect(tokens.check(mine, tokens.tokenFor(mine))).toBe(true);
    // another browser's token (an attacker's own sign-in page) is no good with this browser's cookie
    expect(tokens.check(mine, tokens.tokenFor(theirs))).toBe(false);
    expect(tokens.check(undefined, tokens.tokenFor(mine))).toBe(false);
    expect(tokens.check(mine, undefined)).toBe(false);
    // nor is one made under another portal's secret
    expect(tokens.check(mine, new SignInTokens('another-secret-of-at-least-thirty-two-chars').tokenFor(mine))).toBe(false);
  });
});

describe('where a form post comes from', () => {
  const host = '127.0.0.1:3000';

  it('lets through a post from the portal itself, or one that says nothing of where it comes from', () => {
    expect(crossOriginProblem({ host, origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin' })).toBeNull();
    expect(crossOriginProblem({ host: 'Portal.Example.org', origin: 'https://portal.example.org' })).toBeNull();
    expect(crossOriginProblem({ host, 'sec-fetch-site': 'none' })).toBeNull();
    expect(crossOriginProblem({ host })).toBeNull();
    expect(crossOriginProblem({ host: 'internal:3000', origin: 'https://portal.example.org' }, 'https://portal.example.org')).toBeNull();
  });

  it('refuses another port or subdomain of the same site, another site, and an opaque origin', () => {
    expect(crossOriginProblem({ host, origin: 'http://127.0.0.1:3999' })).toBe('it was sent from another origin');
    expect(crossOriginProblem({ host, origin: 'http://localhost:3000' })).toBe('it was sent from another origin');
    expect(crossOriginProblem({ host, origin: 'null' })).toBe('it was sent from another origin');
    expect(crossOriginProblem({ host, origin: 'not a url' })).toBe('it was sent from another origin');
    expect(crossOriginProblem({ origin: 'http://127.0.0.1:3000' })).toBe('it was sent from another origin');
    expect(crossOriginProblem({ host, 'sec-fetch-site': 'same-site' })).toBe('it was sent from another site');
    expect(crossOriginProblem({ host, origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'cross-site' })).toBe('it was sent from another site');
    // with the origin configured, the Host header does not count
    expect(crossOriginProblem({ host: 'evil.example', origin: 'http://evil.example' }, 'https://portal.example.org')).toBe('it was sent from another origin');
  });
});
