import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Client } from 'pg';

export const REPO_ROOT = resolve(__dirname, '../../..');

/** The tests' own broker: separate data and ports, so a running platform is never disturbed. */
export const TEST_KAFKA = { instance: 'test', port: '19092', controllerPort: '19093' } as const;

/**
 * Where the tests find Kafka: TEST_KAFKA_BROKERS when set (an existing broker); otherwise the
 * project's native broker (deploy/kafka.sh), which fetches Apache Kafka from Maven Central once
 * and runs it on 127.0.0.1. Idempotent: an already running test broker is reused.
 */
export async function ensureKafka(): Promise<string> {
  if (process.env.TEST_KAFKA_BROKERS) return process.env.TEST_KAFKA_BROKERS;
  await testKafkaScript('start');
  return `127.0.0.1:${TEST_KAFKA.port}`;
}

/**
 * Runs deploy/kafka.sh for the tests' broker as a child process the event loop does not wait on:
 * a synchronous call would freeze the test process for the seconds a broker takes to stop or
 * start, and its HTTP clients would then reuse keep-alive sockets the services had closed meanwhile.
 */
function testKafkaScript(action: 'start' | 'stop'): Promise<void> {
  const child = spawn('bash', [join(REPO_ROOT, 'deploy', 'kafka.sh'), action], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, KAFKA_INSTANCE: TEST_KAFKA.instance, KAFKA_PORT: TEST_KAFKA.port, KAFKA_CONTROLLER_PORT: TEST_KAFKA.controllerPort },
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`deploy/kafka.sh ${action} failed (${signal ?? `exit code ${code}`})`))));
  });
}

/** The PostgreSQL server tests use (trust auth on loopback unless TEST_PG_URL says otherwise). */
export function postgresServerUrl(): string {
  return process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function databaseUrl(database: string): string {
  const url = new URL(postgresServerUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Drops and recreates a database for a test run. Refuses any name without "test" in it, so a
 * mistyped variable can never wipe real data.
 */
export async function recreateTestDatabase(database: string): Promise<string> {
  if (!/test/.test(database) || !/^[a-z0-9_]+$/.test(database)) {
    throw new Error(`refusing to recreate database "${database}": test databases must be named with "test" (a-z, 0-9, _)`);
  }
  const client = new Client({ connectionString: postgresServerUrl() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${database}`);
  } finally {
    await client.end();
  }
  return databaseUrl(database);
}

/** Stops or starts the tests' own broker (only when the tests started it, not an external one). */
export function controlTestKafka(action: 'start' | 'stop'): Promise<void> {
  return testKafkaScript(action);
}

export const usesOwnTestKafka = (): boolean => !process.env.TEST_KAFKA_BROKERS;
