import { PATTERN_METADATA, TRANSPORT_METADATA } from '@nestjs/microservices/constants';
import { AgreementEvent, ClientEvent, EventOf } from '@umbrella/contracts';
import { defineInbox } from './inbox';
import { InboxContext } from './inbox.context';
import { OnEvent } from './on-event.decorator';

const CLIENTS = defineInbox<ClientEvent>('test.clients', ['umbrella.clients.v1']);
const AGREEMENTS = defineInbox<AgreementEvent>('test.agreements', ['umbrella.agreements.v1']);

/*
 * @OnEvent is @EventPattern with the compiler on guard: every `@ts-expect-error` marks a handler
 * that must not compile (the specs are type-checked), and the metadata is the one Nest's listeners
 * read, bound to the inbox's own transport.
 */
class Handlers {
  @OnEvent(['ConsentGiven', 'ConsentWithdrawn'], CLIENTS)
  async onConsent(_event: EventOf<'ConsentGiven' | 'ConsentWithdrawn'>, _context: InboxContext): Promise<void> {}

  // @ts-expect-error the method takes a ConsentGiven, the pattern says ClientErased
  @OnEvent('ClientErased', CLIENTS)
  async wrongEvent(_event: EventOf<'ConsentGiven'>): Promise<void> {}

  // @ts-expect-error the clients inbox never receives an AgreementPublished
  @OnEvent('AgreementPublished', CLIENTS)
  async notInThisInbox(_event: EventOf<'AgreementPublished'>): Promise<void> {}

  @OnEvent('AgreementPublished', AGREEMENTS)
  async onPublished(_event: EventOf<'AgreementPublished'>): Promise<void> {}
}

describe('@OnEvent', () => {
  it('registers the event types as Nest event patterns on the inbox’s own transport', () => {
    const handlers = new Handlers();
    expect(Reflect.getMetadata(PATTERN_METADATA, handlers.onConsent)).toEqual(['ConsentGiven', 'ConsentWithdrawn']);
    expect(Reflect.getMetadata(TRANSPORT_METADATA, handlers.onConsent)).toBe(CLIENTS.transportId);
    expect(Reflect.getMetadata(TRANSPORT_METADATA, handlers.onPublished)).toBe(AGREEMENTS.transportId);
    expect(CLIENTS.transportId).not.toBe(AGREEMENTS.transportId);
  });
});
