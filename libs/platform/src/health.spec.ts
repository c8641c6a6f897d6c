import { HealthRegistry, readiness } from './health';

describe('readiness', () => {
  it('is ready and up when every dependency answers', () => {
    expect(readiness([{ name: 'database', required: true, up: true }, { name: 'kafka', required: false, up: true }])).toEqual({
      ready: true,
      report: { status: 'up', checks: { database: { status: 'up' }, kafka: { status: 'up' } } },
    });
  });

  it('stays ready, degraded, while only an optional dependency (Kafka) is down', () => {
    expect(readiness([{ name: 'database', required: true, up: true }, { name: 'kafka', required: false, up: false }])).toEqual({
      ready: true,
      report: { status: 'degraded', checks: { database: { status: 'up' }, kafka: { status: 'down' } } },
    });
  });

  it('is not ready while a required dependency (the database) is down, whatever the others say', () => {
    for (const kafkaUp of [true, false]) {
      expect(readiness([{ name: 'database', required: true, up: false }, { name: 'kafka', required: false, up: kafkaUp }])).toEqual({
        ready: false,
        report: { status: 'down', checks: { database: { status: 'down' }, kafka: { status: kafkaUp ? 'up' : 'down' } } },
      });
    }
  });
});

describe('HealthRegistry', () => {
  it('treats an indicator as required unless it says otherwise, and a check that throws as down', async () => {
    const registry = new HealthRegistry();
    registry.register({ name: 'database', check: () => Promise.reject(new Error('connection refused')) });
    registry.register({ name: 'kafka', requiredForReadiness: false, check: async () => true });
    expect(await registry.readiness()).toEqual({ ready: false, report: { status: 'down', checks: { database: { status: 'down' }, kafka: { status: 'up' } } } });
  });

  it('is ready when only optional indicators fail', async () => {
    const registry = new HealthRegistry();
    registry.register({ name: 'database', check: async () => true });
    registry.register({ name: 'kafka', requiredForReadiness: false, check: () => Promise.reject(new Error('broker down')) });
    expect(await registry.readiness()).toMatchObject({ ready: true, report: { status: 'degraded' } });
  });
});
