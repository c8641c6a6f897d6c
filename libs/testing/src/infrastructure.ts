import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';

export const REPO_ROOT = resolve(__dirname, '../../..');

/**
 * Where the tests find Kafka: KAFKA_BROKERS when set; otherwise the project's native broker
 * (deploy/kafka.sh), which fetches Apache Kafka from Maven Central once and runs it on 127.0.0.1.
 */
export function ensureKafka(): string {
  if (process.env.KAFKA_BROKERS) return process.env.KAFKA_BROKERS;
  const script = join(REPO_ROOT, 'deploy', 'kafka.sh');
  if (!existsSync(script)) throw new Error(`cannot start Kafka: ${script} is missing`);
  execFileSync('bash', [script, 'start'], { stdio: 'inherit' });
  return `127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`;
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
