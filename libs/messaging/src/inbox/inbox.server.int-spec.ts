import { CallHandler, Controller, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { ClientEvent, EventOf, ReferralEvent, TOPICS } from '@umbrella/contracts';
import { recreateTestDatabase, waitFor } from '@umbrella/testing';
import { randomUUID } from 'node:crypto';
import { Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { listDeadLetters } from '../dead-letters';
import { UnprocessableEvent } from '../inbox-consumer';
import { createKafka } from '../kafka';
import { MESSAGING_MIGRATIONS } from '../migrations/messaging-migrations';
import { newEvent } from '../outbox';
import { provisionTopics } from '../topics';
import { defineInbox } from './inbox';
import { InboxContext } from './inbox.context';
import { inboxUnderTest, InboxUnderTest } from './inbox-under-test';
import { OnEvent } from './on-event.decorator';

/*
 * The transport strategy end to end on the real broker and PostgreSQL: events published to a topic
 * of this run reach their @OnEvent handlers through Nest (an interceptor sees each one as an RPC
 * call), with the consumer's transaction and the message's place on the topic; a handler's error
 * reaches the inbox as it was thrown, so an event that can never be applied is dead-lettered at
 * once with its reason and a failing one after its bounded retries; a type without a handler is skipped.
 */
const run = randomUUID().slice(0, 8);
const topic = `umbrella.test.inbox-server.${run}`;
const INBOX = defineInbox<ReferralEvent | ClientEvent>(`test.inbox-server.${run}`, [topic]);
const intercepted: string[] = [];

@Injectable()
class SeesMessages implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const event: unknown = context.switchToRpc().getData();
    const type = typeof event === 'object' && event !== null ? Reflect.get(event, 'type') : undefined;
    intercepted.push(`${context.getType()}:${String(type)}`);
    return next.handle();
  }
}

@Controller()
@UseInterceptors(SeesMessages)
class TestInboxController {
  @OnEvent('ReferralRequested', INBOX)
  async onRequested(@Payload() event: EventOf<'ReferralRequested'>, @Ctx() ctx: InboxContext): Promise<void> {
    await ctx.tx.query('INSERT INTO effect (event_id, partition, "offset", same_event) VALUES ($1, $2, $3, $4)', [event.eventId, ctx.source?.partition, ctx.source?.offset, ctx.event === event]);
  }

  @OnEvent('ClientErased', INBOX)
  async onErased(@Payload() event: EventOf<'ClientErased'>): Promise<void> {
    throw new UnprocessableEvent(`cannot apply the erasure of ${event.data.clientId} here`);
  }

  @OnEvent('ConsentGiven', INBOX)
  async onConsent(@Payload() _event: EventOf<'ConsentGiven'>, @Ctx() { tx }: InboxContext): Promise<void> {
    await tx.query('INSERT INTO effect (event_id) VALUES ($1)', [randomUUID()]);
    throw new Error('the consent store is broken');
  }
}

describe('the inbox transport strategy', () => {
  const kafka = createKafka({ brokers: (process.env.KAFKA_BROKERS as string).split(','), clientId: `inbox-server-test-${run}` });
  let dataSource: DataSource;
  let inbox: InboxUnderTest;

  beforeAll(async () => {
    const url = await recreateTestDatabase('umbrella_inbox_server_test');
    dataSource = new DataSource({ type: 'postgres', url, migrations: [...MESSAGING_MIGRATIONS] });
    await dataSource.initialize();
    await dataSource.runMigrations();
    await dataSource.query('CREATE TABLE effect (event_id uuid PRIMARY KEY, partition int, "offset" text, same_event boolean)');
    await provisionTopics(kafka, [{ ...TOPICS.clients, name: topic, partitions: 1 }, TOPICS.deadLetters]);
    inbox = await inboxUnderTest(INBOX, { controllers: [TestInboxController], providers: [SeesMessages] }, dataSource, { maxAttempts: 2 });
  });

  afterAll(async () => {
    await inbox?.close();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await dataSource?.destroy();
  });

  it('hands each event to its handler through Nest, and dead-letters the ones a handler cannot apply with the handler’s own reason', async () => {
    const at = new Date().toISOString();
    const requested = newEvent({
      type: 'ReferralRequested',
      producer: 'referral',
      data: { referralId: randomUUID(), clientId: 'c-inbox-1', fromAgencyId: 'north-jobcentre', toAgencyId: 'harbour-college', domain: 'training', requestedAt: at, respondBy: at, waitlisted: false, handsOverLead: false },
    });
    const erased = newEvent({ type: 'ClientErased', producer: 'client-journey', data: { clientId: 'c-inbox-2', erasedAt: at } });
    const consent = newEvent({
      type: 'ConsentGiven',
      producer: 'client-journey',
      data: { clientId: 'c-inbox-3', consentId: randomUUID(), agencyId: 'harbour-college', purpose: 'referral', evidence: 'written', recordedByAgencyId: 'north-jobcentre', givenAt: at },
    });
    const agency = newEvent({ type: 'AgencyRegistered', producer: 'agency-directory', data: { agencyId: 'harbour-college', name: 'Harbour College', stakeholderType: 'ngo', region: 'NB', registeredAt: at } });
    const producer = kafka.producer();
    await producer.connect();
    const sent = await producer.send({ topic, acks: -1, messages: [requested, erased, consent, agency].map((e) => ({ key: e.key, value: JSON.stringify(e) })) });
    await producer.disconnect();
    const firstOffset = Number(sent[0].baseOffset);

    inbox.consumer.start();
    const letters = await waitFor(async () => {
      const listed = await listDeadLetters(dataSource, { consumer: INBOX.name, limit: 10 });
      return listed.length >= 2 && inbox.consumer.counts.skipped >= 1 ? listed : undefined;
    }, { what: 'two dead letters and a skipped event', timeoutMs: 60000 });

    expect(await dataSource.query('SELECT event_id, partition, "offset", same_event FROM effect')).toEqual([{ event_id: requested.eventId, partition: 0, offset: String(firstOffset), same_event: true }]);
    expect(await dataSource.query('SELECT event_id FROM inbox WHERE consumer = $1', [INBOX.name])).toEqual([{ event_id: requested.eventId }]);
    const byType = Object.fromEntries(letters.map((l) => [l.eventType, l]));
    expect(byType.ClientErased).toMatchObject({ code: 'HANDLER.FAILED', reason: 'handler refused the event: cannot apply the erasure of c-inbox-2 here' });
    expect(byType.ConsentGiven).toMatchObject({ code: 'HANDLER.FAILED', reason: 'handler failed after 2 attempts: the consent store is broken' });
    // the failing handler's writes went with its transaction, every attempt
    expect(await dataSource.query('SELECT count(*)::int AS n FROM effect')).toEqual([{ n: 1 }]);
    expect(intercepted).toEqual(expect.arrayContaining(['rpc:ReferralRequested', 'rpc:ClientErased', 'rpc:ConsentGiven']));
    expect(intercepted).not.toContain('rpc:AgencyRegistered');
    expect(inbox.handledTypes).toEqual(['ClientErased', 'ConsentGiven', 'ReferralRequested']);
  });
});
