import { Logger } from '@nestjs/common';
import { TopicDefinition } from '@umbrella/contracts';
import { Kafka } from 'kafkajs';

/**
 * Creates the platform's topics as the contracts define them (partitions, retention). Idempotent:
 * existing topics are kept, and ones with fewer partitions than defined are grown.
 */
export async function provisionTopics(kafka: Kafka, topics: readonly TopicDefinition[]): Promise<void> {
  const logger = new Logger('Topics');
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: -1,
          configEntries: [
            { name: 'retention.ms', value: String(t.retentionMs) },
            { name: 'cleanup.policy', value: 'delete' },
          ],
        })),
      });
      logger.log(`created topics: ${missing.map((t) => t.name).join(', ')}`);
    }
    const present = topics.filter((t) => existing.has(t.name));
    if (present.length > 0) {
      const metadata = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
      const grow = present.filter((t) => {
        const found = metadata.topics.find((m) => m.name === t.name);
        return found !== undefined && found.partitions.length < t.partitions;
      });
      if (grow.length > 0) {
        await admin.createPartitions({ topicPartitions: grow.map((t) => ({ topic: t.name, count: t.partitions })) });
        logger.log(`grew partitions of: ${grow.map((t) => t.name).join(', ')}`);
      }
    }
  } catch (error) {
    // Another instance may have created the same topic a moment ago.
    if (!/already exists/i.test((error as Error).message)) throw error;
  } finally {
    await admin.disconnect();
  }
}
