import { createHash, randomBytes } from 'node:crypto';

/** What the sign-in keeps between the redirect to the provider and its callback (in a sealed cookie). */
export interface PendingSignIn {
  readonly state: string;
  readonly verifier: string;
  readonly returnTo: string;
  readonly createdAt: number;
}

/** A pending sign-in older than this is refused: the cookie holding it lives as long. */
export const PENDING_SIGN_IN_TTL_SECONDS = 600;

/** RFC 7636: a 43-character verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: s256(verifier) };
}

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export function startSignIn(returnTo: string, now = Date.now()): PendingSignIn & { challenge: string } {
  const { verifier, challenge } = pkcePair();
  return { state: randomBytes(16).toString('base64url'), verifier, challenge, returnTo: safeReturnTo(returnTo), createdAt: now };
}

/** Why a callback is refused, or null when its state matches a fresh pending sign-in. */
export function checkCallback(pending: PendingSignIn | undefined, state: unknown, now = Date.now()): string | null {
  if (!pending) return 'no sign-in was started in this browser (or it took too long)';
  if (typeof state !== 'string' || state !== pending.state) return 'the sign-in answer does not match the sign-in this browser started';
  if (now - pending.createdAt > PENDING_SIGN_IN_TTL_SECONDS * 1000) return 'the sign-in took too long; please start again';
  return null;
}

/** Only a path on this portal: never an absolute URL another site could use to bounce users. */
export function safeReturnTo(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) ? value : '/';
}

export interface ProviderMetadata {
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly end_session_endpoint?: string;
}

export async function discover(issuer: string): Promise<ProviderMetadata> {
  const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`OpenID Connect discovery at ${issuer} answered ${res.status}`);
  const meta = (await res.json()) as ProviderMetadata;
  if (!meta.authorization_endpoint || !meta.token_endpoint) throw new Error(`OpenID Connect discovery at ${issuer} names no authorization or token endpoint`);
  return meta;
}

export interface OidcClient {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly clientSecret?: string;
  readonly scope: string;
}

export function authorizationUrl(meta: ProviderMetadata, client: OidcClient, state: string, challenge: string): string {
  const url = new URL(meta.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    scope: client.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

/** Exchanges the code (with the PKCE verifier) for tokens; the access token is the APIs' bearer. */
export async function exchangeCode(meta: ProviderMetadata, client: OidcClient, code: string, verifier: string): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, client_id: client.clientId, code_verifier: verifier });
  if (client.clientSecret) body.set('client_secret', client.clientSecret);
  const res = await fetch(meta.token_endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  const answer = (await res.json().catch(() => ({}))) as { access_token?: string; error?: string };
  if (!res.ok || !answer.access_token) throw new Error(`the identity provider refused the sign-in (${answer.error ?? res.status})`);
  return answer.access_token;
}
