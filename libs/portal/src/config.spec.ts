import { ConfigError, httpTimeouts, loadConfig } from '@umbrella/platform';
import { PortalConfig } from './config';

const valid = {
  PORT: '3000',
  REFERRAL_URL: 'http://127.0.0.1:3001',
  AGENCY_DIRECTORY_URL: 'http://127.0.0.1:3002',
  CLIENT_JOURNEY_URL: 'http://127.0.0.1:3003',
  REPORTING_URL: 'http://127.0.0.1:3004',
  PORTAL_SESSION_SECRET: 'x'.repeat(32),
  PORTAL_LOCAL_SIGNING_KEY_FILE: '/tmp/key.pem',
};

describe('portal configuration: HTTP server timeouts', () => {
  it('defaults to keeping idle connections longer than a load balancer, like the services', () => {
    expect(httpTimeouts(loadConfig(PortalConfig, valid))).toEqual({ keepAliveTimeoutMs: 65000, headersTimeoutMs: 66000 });
    expect(httpTimeouts(loadConfig(PortalConfig, { ...valid, HTTP_KEEP_ALIVE_TIMEOUT_MS: '90000' }))).toEqual({ keepAliveTimeoutMs: 90000, headersTimeoutMs: 91000 });
  });

  it('refuses bad values at start-up, naming the variable', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(PortalConfig, env);
        return [];
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).problems;
      }
    };
    expect(problems({ ...valid, HTTP_KEEP_ALIVE_TIMEOUT_MS: '-1' })).toEqual(['HTTP_KEEP_ALIVE_TIMEOUT_MS must be an integer number of milliseconds between 1000 and 900000']);
    expect(problems({ ...valid, HTTP_KEEP_ALIVE_TIMEOUT_MS: '20000', HTTP_HEADERS_TIMEOUT_MS: '10000' })).toEqual(['HTTP_HEADERS_TIMEOUT_MS must be greater than HTTP_KEEP_ALIVE_TIMEOUT_MS (default 65000)']);
  });
});

describe('portal configuration: forms and sessions', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(PortalConfig, env);
      return [];
    } catch (error) {
      return (error as ConfigError).problems;
    }
  };

  it('takes an origin (scheme, host, port) and a bound on sessions', () => {
    const config = loadConfig(PortalConfig, { ...valid, PORTAL_ORIGIN: 'https://portal.example.org', PORTAL_MAX_SESSIONS: '500' });
    expect([config.PORTAL_ORIGIN, config.PORTAL_MAX_SESSIONS]).toEqual(['https://portal.example.org', 500]);
    expect(problems({ ...valid, PORTAL_ORIGIN: 'http://127.0.0.1:3000' })).toEqual([]);
  });

  it('refuses an origin with a path, or a bound out of range', () => {
    expect(problems({ ...valid, PORTAL_ORIGIN: 'https://portal.example.org/app' })).toEqual(['PORTAL_ORIGIN must be an origin: scheme, host and port only (https://portal.example.org)']);
    expect(problems({ ...valid, PORTAL_MAX_SESSIONS: '5' })).toEqual(['PORTAL_MAX_SESSIONS must be an integer between 100 and 1000000']);
  });
});
