import { ensureTestKeys } from './identity';
import { ensureKafka, postgresServerUrl } from './infrastructure';

/** Jest global setup: infrastructure starts once per run; tests get the connection strings. */
export default async function globalSetup(): Promise<void> {
  process.env.KAFKA_BROKERS = ensureKafka();
  process.env.TEST_PG_URL = postgresServerUrl();
  ensureTestKeys();
}
