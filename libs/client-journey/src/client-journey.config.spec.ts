import { ConfigError, loadConfig } from '@umbrella/platform';
import { randomBytes } from 'node:crypto';
import { ClientJourneyConfig } from './client-journey.config';

const valid = {
  PORT: '3003',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/umbrella_client_journey',
  KAFKA_BROKERS: '127.0.0.1:9092',
  AUTH_ISSUER: 'urn:umbrella:test',
  AUTH_AUDIENCE: 'umbrella',
  AUTH_PUBLIC_KEY_FILE: '/tmp/key.pem',
  CLIENT_DATA_KEY: randomBytes(32).toString('base64'),
};

function problems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(ClientJourneyConfig, env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
}

describe('client-journey configuration', () => {
  it('accepts a 32-byte base64 key', () => {
    expect(problems(valid)).toEqual([]);
  });

  it.each([
    ['missing', undefined],
    ['too short (16 bytes)', randomBytes(16).toString('base64')],
    ['not base64', 'this is not a key but it is forty-four chars'],
    ['a hex string', randomBytes(32).toString('hex')],
  ])('refuses a CLIENT_DATA_KEY that is %s, naming the variable and how to make one', (_what, key) => {
    expect(problems({ ...valid, CLIENT_DATA_KEY: key })).toEqual(['CLIENT_DATA_KEY must be set to 32 random bytes, base64-encoded (e.g. `openssl rand -base64 32`)']);
  });
});
