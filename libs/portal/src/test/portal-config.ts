import { PortalConfig } from '../config';

/**
 * A portal configuration for in-process specs: every service at `apiUrl` (nothing listens on port 9
 * unless a spec gives its stub), a session secret, and OIDC sign-in unless the overrides turn on
 * the local signing key instead.
 */
export function testPortalConfig(overrides: Partial<PortalConfig> = {}, apiUrl = 'http://127.0.0.1:9'): PortalConfig {
  return Object.assign(new PortalConfig(), {
    PORT: 3000,
    REFERRAL_URL: apiUrl,
    AGENCY_DIRECTORY_URL: apiUrl,
    CLIENT_JOURNEY_URL: apiUrl,
    REPORTING_URL: apiUrl,
    PORTAL_SESSION_SECRET: 'a-test-secret-that-is-long-enough-to-seal',
    ...(overrides.PORTAL_LOCAL_SIGNING_KEY_FILE ? {} : { OIDC_ISSUER: 'http://127.0.0.1:9', OIDC_CLIENT_ID: 'portal', OIDC_REDIRECT_URI: 'http://127.0.0.1:3000/oidc/callback' }),
    ...overrides,
  });
}
