import { Module, ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InboxConsumer } from '../inbox-consumer';
import { createKafka } from '../kafka';
import { Inbox } from './inbox';
import { InboxServer } from './inbox.server';
import { DataSource } from 'typeorm';

export interface InboxUnderTest {
  /** The group's consumer, built by its transport strategy from the `@OnEvent` handlers; never started, so nothing is read from the broker. */
  readonly consumer: InboxConsumer;
  /** The event types the group's handlers take. */
  readonly handledTypes: readonly string[];
  close(): Promise<void>;
}

/**
 * For tests of a consumer group's handlers. Serves one consumer group the way the service does — its message controllers in a Nest
 * application, its transport strategy attached — over a test database, so a spec can hand the
 * consumer raw Kafka messages and see each event reach its handler through Nest.
 */
export async function inboxUnderTest(inbox: Inbox, metadata: ModuleMetadata, dataSource: DataSource, options: { maxAttempts?: number } = {}): Promise<InboxUnderTest> {
  class InboxTestModule {}
  Reflect.decorate([Module(metadata)], InboxTestModule);
  const app = await NestFactory.create(InboxTestModule, { logger: false });
  const kafka = createKafka({ brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:1').split(','), clientId: `${inbox.name}-test` });
  const server = new InboxServer(inbox, { registerConsumer: (consumer) => new InboxConsumer(dataSource, kafka, { ...consumer, maxAttempts: options.maxAttempts ?? 1 }) });
  app.connectMicroservice({ strategy: server });
  await app.startAllMicroservices();
  const consumer = server.inboxConsumer;
  if (!consumer) throw new Error(`${inbox.name} did not start listening`);
  return { consumer, handledTypes: server.handledTypes, close: () => app.close() };
}
