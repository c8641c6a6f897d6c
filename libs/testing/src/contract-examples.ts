import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventEnvelope, findContract } from '@umbrella/contracts';
import { REPO_ROOT } from './infrastructure';

/** Where the producers keep the events each consumer group is promised, one folder per group. */
export const CONTRACT_EXAMPLES_DIR = join(REPO_ROOT, 'libs', 'contracts', 'examples');

export interface ContractExample {
  /** The file name, e.g. `ReferralRequested.v1.json`: what a failing assertion names. */
  readonly file: string;
  readonly envelope: EventEnvelope;
  readonly topic: string;
}

/**
 * The examples of one consumer group in the order they happened (`occurredAt`, then file name),
 * so a consumer meets them as it would on its topics: an agency before the service it offers, a
 * consent before its withdrawal.
 */
export function contractExamples(consumerGroup: string): ContractExample[] {
  const dir = join(CONTRACT_EXAMPLES_DIR, consumerGroup);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => {
      const envelope: EventEnvelope = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      const contract = findContract(envelope.type, envelope.schemaVersion);
      if (!contract) throw new Error(`${consumerGroup}/${file}: no contract for ${envelope.type} v${envelope.schemaVersion}`);
      return { file, envelope, topic: contract.topic.name };
    })
    .sort((a, b) => a.envelope.occurredAt.localeCompare(b.envelope.occurredAt) || a.file.localeCompare(b.file));
}

/** A Kafka message as a consumer receives it: the envelope's key and its JSON, as bytes. */
export interface ExampleMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer;
  readonly value: Buffer;
  readonly headers: Record<string, Buffer>;
}

export function asKafkaMessage(example: ContractExample, offset: number): ExampleMessage {
  return {
    topic: example.topic,
    partition: 0,
    offset: String(offset),
    key: Buffer.from(example.envelope.key, 'utf8'),
    value: Buffer.from(JSON.stringify(example.envelope), 'utf8'),
    headers: {},
  };
}

/**
 * Feeds the examples, in order, to a consumer's own entry point for a Kafka message and answers
 * each example's outcome by file name (`handled`, `skipped`, `dead-lettered`…).
 */
export async function replayExamples(consumer: { process(message: ExampleMessage): Promise<string> }, examples: readonly ContractExample[]): Promise<Record<string, string>> {
  const outcomes: Record<string, string> = {};
  for (const [offset, example] of examples.entries()) outcomes[example.file] = await consumer.process(asKafkaMessage(example, offset));
  return outcomes;
}
