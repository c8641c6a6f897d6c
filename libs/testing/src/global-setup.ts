import { startContainers, dockerEngineAnswers } from './containers';
import { ensureTestKeys } from './identity';
import { ensureKafka, postgresServerUrl } from './infrastructure';

/**
 * Jest global setup: infrastructure starts once per run and tests get the connection strings —
 * from TEST_KAFKA_BROKERS / TEST_PG_URL when set, otherwise from Testcontainers where a Docker
 * engine answers, otherwise from the project's native scripts (a real broker from Maven Central's
 * jars, and the PostgreSQL server on 127.0.0.1:5432).
 */
export default async function globalSetup(): Promise<void> {
  const useContainers = !process.env.TEST_KAFKA_BROKERS && !process.env.TEST_PG_URL && process.env.UMBRELLA_TEST_CONTAINERS !== 'off' && (await dockerEngineAnswers());
  if (useContainers) {
    const { kafkaBrokers, pgUrl } = await startContainers();
    // the tests then treat the broker as external: they never stop it
    process.env.TEST_KAFKA_BROKERS = kafkaBrokers;
    process.env.TEST_PG_URL = pgUrl;
  }
  process.env.KAFKA_BROKERS = await ensureKafka();
  process.env.TEST_PG_URL = postgresServerUrl();
  ensureTestKeys();
}
