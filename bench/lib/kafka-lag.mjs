// Waits until every consumer group of the platform has read its topics to the end: the benchmark
// measures a platform at rest, not one still working off what the set-up published.
import { createRequire } from 'node:module';
import { sleep } from './platform.mjs';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs');

export async function consumerLag(admin) {
  const { groups } = await admin.listGroups();
  let lag = 0;
  for (const { groupId } of groups.filter((g) => !g.groupId.startsWith('bench-'))) {
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
      const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
      for (const p of partitions) lag += Math.max(0, (ends.get(p.partition) ?? 0) - Math.max(0, Number(p.offset)));
    }
  }
  return lag;
}

export async function waitForQuiet(brokers, { timeoutMs = 300_000, log } = {}) {
  const kafka = new Kafka({ clientId: 'bench-lag', brokers: [brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const started = Date.now();
  try {
    let lastLog = 0;
    for (;;) {
      const lag = await consumerLag(admin);
      if (lag === 0) return (Date.now() - started) / 1000;
      if (Date.now() - started > timeoutMs) throw new Error(`consumers still ${lag} events behind after ${timeoutMs / 1000} s`);
      if (log && Date.now() - lastLog > 10_000) {
        log(`waiting for the consumers to catch up (${lag} events behind)`);
        lastLog = Date.now();
      }
      await sleep(500);
    }
  } finally {
    await admin.disconnect();
  }
}
