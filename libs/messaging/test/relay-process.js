// Runs an outbox relay in its own process, so a test can kill it with SIGKILL mid-batch.
require('reflect-metadata');
const { DataSource } = require('typeorm');
const { OutboxRelay, createKafka } = require('@umbrella/messaging');

async function main() {
  const dataSource = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL });
  await dataSource.initialize();
  const kafka = createKafka({ brokers: process.env.KAFKA_BROKERS.split(','), clientId: 'relay-process' });
  const relay = new OutboxRelay(dataSource, kafka, { name: 'relay-process', batchSize: Number(process.env.BATCH_SIZE ?? 20), idlePollMs: 50, standbyPollMs: 100 });
  relay.start();
  process.on('SIGTERM', async () => {
    await relay.stop();
    await dataSource.destroy();
    process.exit(0);
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
