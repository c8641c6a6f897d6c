import { ClientEvent, EventHandlers, EventOf, PlatformEvent, ReferralEvent } from './events';
import { parseEvent } from './registry';

/*
 * The compiler is the first test of the event types: every `@ts-expect-error` below marks a line
 * that must NOT compile (the contracts project type-checks its specs before running them), and
 * the runtime assertions show the union narrowing as consumers use it.
 */

const accepted: EventOf<'ReferralAccepted'> = {
  eventId: '6f1c1d36-4a8e-4d8a-9b1e-2b1a9f0c1e11',
  type: 'ReferralAccepted',
  schemaVersion: 1,
  occurredAt: '2026-11-24T10:00:00.000Z',
  producer: 'referral',
  correlationId: 'corr-1',
  causationId: null,
  key: 'c-123',
  data: {
    referralId: '0b9a3c52-2d7e-4c1b-8f3e-8a1d2c3b4a5f',
    clientId: 'c-123',
    fromAgencyId: 'north-jobcentre',
    toAgencyId: 'harbour-college',
    domain: 'training',
    previousStatus: 'requested',
    status: 'accepted',
    byAgencyId: 'harbour-college',
    at: '2026-11-24T10:00:00.000Z',
  },
};

describe('the event union', () => {
  it('refuses, at compile time, a field the contract does not have', () => {
    const wrong: EventOf<'ReferralAccepted'> = {
      ...accepted,
      // @ts-expect-error the transition's time is `at`; `acceptedAt` is not in the contract
      data: { ...accepted.data, acceptedAt: '2026-11-24T10:00:00.000Z' },
    };
    // @ts-expect-error a status outside the lifecycle does not compile either
    const badStatus: EventOf<'ReferralAccepted'>['data']['status'] = 'approved';
    // @ts-expect-error an event type that does not exist is not an event
    const unknown: EventOf<'ClientTeleported'> | null = null;
    // the runtime check refuses what the compiler would have: strict parsing names the field
    const parsed = parseEvent(JSON.parse(JSON.stringify(wrong)), { strict: true });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors).toContain('data.acceptedAt: property acceptedAt should not exist');
    expect([badStatus, unknown]).toEqual(['approved', null]);
  });

  it('gives each handler exactly its event, and no handler for a type outside the consumer’s union', async () => {
    const seen: string[] = [];
    const handlers: EventHandlers<ReferralEvent | ClientEvent, [log: string[]]> = {
      ReferralAccepted: async (event, log) => {
        log.push(`${event.data.toAgencyId} accepted at ${event.data.at}`);
        // @ts-expect-error a ReferralAccepted has no consent id
        log.push(event.data.consentId);
      },
      ConsentWithdrawn: async (event, log) => {
        log.push(event.data.consentId);
      },
      // @ts-expect-error the agencies topic is not read by this consumer
      AgencyRegistered: async () => undefined,
    };
    await handlers.ReferralAccepted?.(accepted, seen);
    expect(seen[0]).toBe('harbour-college accepted at 2026-11-24T10:00:00.000Z');
  });

  it('narrows by type in a switch, exhaustively', () => {
    const describe = (event: PlatformEvent): string => {
      switch (event.type) {
        case 'ReferralAccepted':
          return event.data.status;
        case 'ConsentWithdrawn':
          return event.data.purpose;
        default:
          return event.type;
      }
    };
    expect(describe(accepted)).toBe('accepted');
  });
});
