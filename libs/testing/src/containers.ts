import { execFile } from 'node:child_process';
import { TEST_KAFKA } from './infrastructure';

/** Containers started for this test run, stopped by the global teardown. */
interface Started {
  stop(): Promise<unknown>;
}
// kept on the global object: jest loads the global setup and teardown as separate modules
const registry = globalThis as typeof globalThis & { umbrellaContainers?: Started[] };
const started: Started[] = (registry.umbrellaContainers ??= []);

/** True when a Docker engine answers (the `docker` client alone is not enough). */
export function dockerEngineAnswers(): Promise<boolean> {
  return new Promise((resolve) => execFile('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 10_000 }, (error) => resolve(!error)));
}

/**
 * Where a Docker engine answers, the tests get Kafka and PostgreSQL from Testcontainers: the
 * official Apache Kafka image as a single-node KRaft broker (published on the test broker's port,
 * so its advertised address is the one clients reach) and PostgreSQL with trust authentication.
 */
export async function startContainers(): Promise<{ kafkaBrokers: string; pgUrl: string }> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const port = Number(TEST_KAFKA.port);
  const kafka = await new GenericContainer('apache/kafka:3.9.1')
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `PLAINTEXT://:${port},CONTROLLER://:9093`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    })
    .withExposedPorts({ container: port, host: port })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  started.push(kafka);
  const postgres = await new GenericContainer('postgres:16')
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  started.push(postgres);
  return { kafkaBrokers: `127.0.0.1:${port}`, pgUrl: `postgres://postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/postgres` };
}

export async function stopContainers(): Promise<void> {
  await Promise.all(started.splice(0).map((c) => c.stop()));
}
