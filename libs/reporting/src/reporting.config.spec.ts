import { ConfigError, loadConfig } from '@umbrella/platform';
import { DEFAULT_REPORT_MIN_CLIENTS, ReportingConfig, reportSettings } from './reporting.config';

const valid = {
  PORT: '3004',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/umbrella_reporting',
  KAFKA_BROKERS: '127.0.0.1:9092',
  AUTH_ISSUER: 'urn:umbrella:test',
  AUTH_AUDIENCE: 'umbrella',
  AUTH_PUBLIC_KEY_FILE: '/tmp/key.pem',
};

function problems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(ReportingConfig, env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
}

describe('reporting configuration', () => {
  it('suppresses figures resting on fewer than five clients unless told otherwise', () => {
    expect(DEFAULT_REPORT_MIN_CLIENTS).toBe(5);
    expect(reportSettings(loadConfig(ReportingConfig, valid))).toEqual({ minimumClients: 5 });
    expect(reportSettings(loadConfig(ReportingConfig, { ...valid, REPORT_MIN_CLIENTS: '10' }))).toEqual({ minimumClients: 10 });
    expect(reportSettings(loadConfig(ReportingConfig, { ...valid, REPORT_MIN_CLIENTS: '3' }))).toEqual({ minimumClients: 3 });
  });

  it.each(['0', '1', '2', '1001', '4.5', 'five', '-5'])('refuses REPORT_MIN_CLIENTS=%s at start-up, naming the setting', (value) => {
    expect(problems({ ...valid, REPORT_MIN_CLIENTS: value })).toEqual([expect.stringMatching(/^REPORT_MIN_CLIENTS must be an integer between 3 and 1000/)]);
  });
});
