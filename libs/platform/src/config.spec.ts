import { ConfigError, httpTimeouts, loadConfig, ServiceConfig } from './config';

const valid = {
  PORT: '3001',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/umbrella_referral',
  KAFKA_BROKERS: '127.0.0.1:9092,127.0.0.1:9093',
  AUTH_ISSUER: 'https://idp.example/realms/umbrella',
  AUTH_AUDIENCE: 'umbrella',
  AUTH_JWKS_URL: 'https://idp.example/realms/umbrella/protocol/openid-connect/certs',
};

function problems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(ServiceConfig, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  return [];
}

describe('service configuration', () => {
  it('reads a valid environment, converting the port to a number', () => {
    const config = loadConfig(ServiceConfig, valid);
    expect(config.PORT).toBe(3001);
    expect(config.KAFKA_BROKERS).toBe('127.0.0.1:9092,127.0.0.1:9093');
  });

  it('uses the default port when PORT is unset or empty', () => {
    expect(loadConfig(ServiceConfig, { ...valid, PORT: undefined }, { PORT: '3004' }).PORT).toBe(3004);
    expect(loadConfig(ServiceConfig, { ...valid, PORT: '' }, { PORT: '3004' }).PORT).toBe(3004);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['DATABASE_URL', undefined],
    ['KAFKA_BROKERS', 'localhost'],
    ['KAFKA_BROKERS', undefined],
    ['LOG_LEVEL', 'chatty'],
    ['INSTANCE_ID', 'has spaces'],
    ['HOST', 'a b'],
    ['AUTH_ISSUER', undefined],
    ['AUTH_AUDIENCE', undefined],
    ['AUTH_JWKS_URL', 'ftp://idp.example/certs'],
    ['AUTH_ALGORITHMS', 'HS256'],
    ['AUTH_ALGORITHMS', 'none'],
    ['AUTH_ROLES_CLAIM', 'roles; drop'],
  ])('names %s when it is %p', (name, value) => {
    const found = problems({ ...valid, [name]: value });
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((p) => p.includes(name))).toBe(true);
  });

  it('needs a JWKS URL or a public key file, and names both when neither is set', () => {
    const found = problems({ ...valid, AUTH_JWKS_URL: undefined });
    expect(found).toEqual([
      'AUTH_JWKS_URL must be an http(s) URL (or set AUTH_PUBLIC_KEY_FILE instead)',
      'AUTH_PUBLIC_KEY_FILE must be set to a PEM public key file (or set AUTH_JWKS_URL instead)',
    ]);
    expect(loadConfig(ServiceConfig, { ...valid, AUTH_JWKS_URL: undefined, AUTH_PUBLIC_KEY_FILE: '/keys/idp.pem' }).AUTH_PUBLIC_KEY_FILE).toBe('/keys/idp.pem');
  });

  it('gives one message per bad variable', () => {
    expect(problems({ ...valid, PORT: 'abc' })).toEqual(['PORT must be an integer between 1 and 65535']);
  });

  it('lists every bad variable at once', () => {
    const found = problems({ PORT: 'x' });
    expect(found.join('\n')).toMatch(/PORT/);
    expect(found.join('\n')).toMatch(/DATABASE_URL/);
    expect(found.join('\n')).toMatch(/KAFKA_BROKERS/);
  });

  it('says which variables are wrong in its message', () => {
    expect(() => loadConfig(ServiceConfig, { ...valid, KAFKA_BROKERS: 'nope' })).toThrow(/Invalid configuration:\n {2}- KAFKA_BROKERS/);
  });

  describe('HTTP server timeouts', () => {
    it('keeps idle connections longer than a load balancer does by default, headers timeout above it', () => {
      expect(httpTimeouts(loadConfig(ServiceConfig, valid))).toEqual({ keepAliveTimeoutMs: 65000, headersTimeoutMs: 66000 });
      expect(httpTimeouts(loadConfig(ServiceConfig, { ...valid, HTTP_KEEP_ALIVE_TIMEOUT_MS: '125000' }))).toEqual({ keepAliveTimeoutMs: 125000, headersTimeoutMs: 126000 });
      expect(httpTimeouts(loadConfig(ServiceConfig, { ...valid, HTTP_KEEP_ALIVE_TIMEOUT_MS: '30000', HTTP_HEADERS_TIMEOUT_MS: '40000' }))).toEqual({ keepAliveTimeoutMs: 30000, headersTimeoutMs: 40000 });
    });

    it('refuses values that are not milliseconds in range, naming the variable', () => {
      expect(problems({ ...valid, HTTP_KEEP_ALIVE_TIMEOUT_MS: 'soon' })).toEqual(['HTTP_KEEP_ALIVE_TIMEOUT_MS must be an integer number of milliseconds between 1000 and 900000']);
      expect(problems({ ...valid, HTTP_KEEP_ALIVE_TIMEOUT_MS: '5' })).toEqual(['HTTP_KEEP_ALIVE_TIMEOUT_MS must be an integer number of milliseconds between 1000 and 900000']);
      expect(problems({ ...valid, HTTP_HEADERS_TIMEOUT_MS: '1000000' })).toEqual(['HTTP_HEADERS_TIMEOUT_MS must be an integer number of milliseconds between 1000 and 900000']);
    });

    it('refuses a headers timeout that does not exceed the keep-alive timeout, set or default', () => {
      const message = 'HTTP_HEADERS_TIMEOUT_MS must be greater than HTTP_KEEP_ALIVE_TIMEOUT_MS (default 65000)';
      expect(problems({ ...valid, HTTP_KEEP_ALIVE_TIMEOUT_MS: '70000', HTTP_HEADERS_TIMEOUT_MS: '70000' })).toEqual([message]);
      expect(problems({ ...valid, HTTP_HEADERS_TIMEOUT_MS: '60000' })).toEqual([message]);
    });
  });
});
