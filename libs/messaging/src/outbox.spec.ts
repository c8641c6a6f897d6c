import { randomUUID } from 'node:crypto';
import { TOPICS } from '@umbrella/contracts';
import { EntityManager } from 'typeorm';
import { appendToOutbox, ContractViolation, eventOfVersion, newEvent, topicOf } from './outbox';

const data = () => ({
  referralId: randomUUID(),
  clientId: 'c-42',
  fromAgencyId: 'north-jobcentre',
  toAgencyId: 'harbour-college',
  domain: 'training' as const,
  requestedAt: new Date().toISOString(),
  respondBy: new Date(Date.now() + 2 * 24 * 3600 * 1000).toISOString(),
  waitlisted: false,
  handsOverLead: false,
});

describe('newEvent', () => {
  it('builds a complete envelope keyed by the contract', () => {
    const event = newEvent({ type: 'ReferralRequested', producer: 'referral', data: data(), actor: { userId: 'u-1', agencyId: 'north-jobcentre' } });
    expect(event.key).toBe('c-42');
    expect(event.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.correlationId).toBe(event.eventId);
    expect(event.causationId).toBeNull();
    expect(event.actor).toEqual({ userId: 'u-1', agencyId: 'north-jobcentre' });
    expect(topicOf(event)).toBe(TOPICS.referrals.name);
  });

  it('keeps the correlation and causation it is given', () => {
    const event = newEvent({ type: 'ReferralRequested', producer: 'referral', data: data(), correlationId: 'req-9', causationId: 'evt-8' });
    expect(event).toMatchObject({ correlationId: 'req-9', causationId: 'evt-8' });
  });

  it('refuses a payload with a field its contract does not declare (no personal data can slip out)', () => {
    expect(() =>
      // @ts-expect-error the compiler refuses it first; the contract refuses it at run time too
      newEvent({ type: 'ReferralRequested', producer: 'referral', data: { ...data(), clientName: 'Jane Doe' } }),
    ).toThrow(/clientName should not exist/);
  });

  it('refuses an event type without a contract', () => {
    // @ts-expect-error not a contract's type
    expect(() => newEvent({ type: 'ClientTeleported', producer: 'referral', data: {} })).toThrow(ContractViolation);
  });

  it('refuses an invalid payload, naming the field', () => {
    // @ts-expect-error not a domain of support
    expect(() => newEvent({ type: 'ReferralRequested', producer: 'referral', data: { ...data(), domain: 'astrology' } })).toThrow(
      /data\.domain/,
    );
  });

  it('publishes the latest version of the type, and builds a superseded one only when asked by version', () => {
    expect(newEvent({ type: 'ReferralRequested', producer: 'referral', data: data() }).schemaVersion).toBe(2);
    const { respondBy: _respondBy, waitlisted: _waitlisted, handsOverLead: _handsOverLead, ...v1 } = data();
    expect(eventOfVersion({ type: 'ReferralRequested', schemaVersion: 1, producer: 'referral', data: v1 })).toMatchObject({ schemaVersion: 1, key: 'c-42', data: v1 });
    expect(() => eventOfVersion({ type: 'ReferralRequested', schemaVersion: 7, producer: 'referral', data: v1 })).toThrow(ContractViolation);
  });
});

describe('appendToOutbox', () => {
  it('refuses to write outside a transaction, where the state change and its event could part', async () => {
    const notInTx = { queryRunner: { isTransactionActive: false }, query: jest.fn() } as unknown as EntityManager;
    const event = newEvent({ type: 'ReferralRequested', producer: 'referral', data: data() });
    await expect(appendToOutbox(notInTx, [event])).rejects.toThrow(/inside the transaction/);
  });

  it('writes all events of a command in one statement, in order', async () => {
    const query = jest.fn().mockResolvedValue([]);
    const tx = { queryRunner: { isTransactionActive: true }, query } as unknown as EntityManager;
    const first = newEvent({ type: 'ReferralRequested', producer: 'referral', data: data() });
    const second = newEvent({ type: 'ReferralRequested', producer: 'referral', data: data() });
    await appendToOutbox(tx, [first, second]);
    expect(query).toHaveBeenCalledTimes(1);
    const [, values] = query.mock.calls[0];
    expect(values[0]).toBe(first.eventId);
    expect(values[5]).toBe(second.eventId);
    expect(JSON.parse(values[4])).toEqual(first);
  });

  it('does nothing for no events', async () => {
    const query = jest.fn();
    await appendToOutbox({ queryRunner: { isTransactionActive: true }, query } as unknown as EntityManager, []);
    expect(query).not.toHaveBeenCalled();
  });
});
