import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

export interface ReadMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Record<string, string>;
}

/**
 * Reads a topic from the beginning with a throw-away consumer group, the way an independent
 * client (kcat) would, until `done` says enough or the timeout passes.
 */
export async function readTopic(
  brokers: string,
  topic: string,
  done: (messages: readonly ReadMessage[]) => boolean,
  timeoutMs = 20000,
): Promise<ReadMessage[]> {
  const kafka = new Kafka({ clientId: 'test-reader', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `test-reader-${randomUUID()}` });
  const messages: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let resolveDone!: () => void;
    const finished = new Promise<void>((r) => (resolveDone = r));
    await consumer.run({
      eachMessage: async ({ topic: t, partition, message }) => {
        messages.push({
          topic: t,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString() ?? ''])),
        });
        if (done(messages)) resolveDone();
      },
    });
    const timer = new Promise<void>((r) => setTimeout(r, timeoutMs));
    await Promise.race([finished, timer]);
    return messages;
  } finally {
    await consumer.disconnect();
  }
}
