import { randomUUID } from 'node:crypto';
import { EVENT_CONTRACTS, findContract, parseEvent } from './registry';
import { TOPICS } from './topics';

function referralRequested(overrides: Record<string, unknown> = {}, data: Record<string, unknown> = {}) {
  return {
    eventId: randomUUID(),
    type: 'ReferralRequested',
    schemaVersion: 1,
    occurredAt: '2026-11-24T10:00:00.000Z',
    producer: 'referral',
    correlationId: 'corr-1',
    causationId: null,
    key: 'c-123',
    data: {
      referralId: randomUUID(),
      clientId: 'c-123',
      fromAgencyId: 'north-jobcentre',
      toAgencyId: 'harbour-college',
      domain: 'training',
      requestedAt: '2026-11-24T10:00:00.000Z',
      ...data,
    },
    ...overrides,
  };
}

describe('event contracts', () => {
  it('every contract names a topic keyed the way its key function keys it', () => {
    for (const c of EVENT_CONTRACTS) {
      expect(Object.values(TOPICS)).toContain(c.topic);
      // past tense: regular (-ed) or an irregular participle (ConsentGiven, ConsentWithdrawn)
      expect(c.type).toMatch(/^[A-Z][a-zA-Z]+(ed|en|wn)$/);
    }
  });

  it('finds a contract by type and version, and nothing for an unknown version', () => {
    expect(findContract('ReferralRequested', 1)?.topic).toBe(TOPICS.referrals);
    expect(findContract('ReferralRequested', 99)).toBeUndefined();
  });

  it('accepts a well-formed event and returns a typed payload', () => {
    const result = parseEvent(referralRequested());
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.data).toMatchObject({ clientId: 'c-123', domain: 'training' });
  });

  it.each([
    ['a missing event id', { eventId: undefined }, 'eventId'],
    ['a type that is not an event name', { type: 'referral_requested' }, 'type'],
    ['a zero schema version', { schemaVersion: 0 }, 'schemaVersion'],
    ['a time that is not ISO 8601', { occurredAt: 'yesterday' }, 'occurredAt'],
    ['an unknown producer', { producer: 'someone' }, 'producer'],
    ['no payload', { data: undefined }, 'data'],
  ])('refuses an envelope with %s', (_what, overrides, field) => {
    const result = parseEvent(referralRequested(overrides));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toContain(`${field}:`);
  });

  it('refuses an unknown event type or version, naming it', () => {
    const result = parseEvent(referralRequested({ schemaVersion: 7 }));
    expect(result).toEqual({ ok: false, errors: ['type: unknown event ReferralRequested v7'] });
  });

  it('refuses a payload that breaks its contract, field by field', () => {
    const result = parseEvent(referralRequested({}, { domain: 'astrology', clientId: 'Jane Doe' }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.some((e) => e.startsWith('data.domain:'))).toBe(true);
      expect(result.errors.some((e) => e.startsWith('data.clientId:'))).toBe(true);
    }
  });

  it('refuses an event keyed by something other than its client id', () => {
    const result = parseEvent(referralRequested({ key: 'c-999' }));
    expect(result).toEqual({ ok: false, errors: ['key: must be clientId of the payload (c-123)'] });
  });

  it('tolerates unknown fields on the way in but refuses them when strict (no stray personal data out)', () => {
    const event = referralRequested({}, { clientName: 'Jane Doe' });
    expect(parseEvent(event).ok).toBe(true);
    const strict = parseEvent(event, { strict: true });
    expect(strict.ok).toBe(false);
    if (!strict.ok) expect(strict.errors).toContain('data.clientName: property clientName should not exist');
  });

  it('refuses values that are not objects', () => {
    for (const raw of [null, 42, 'text', [1, 2]]) {
      expect(parseEvent(raw)).toEqual({ ok: false, errors: ['value must be a JSON object'] });
    }
  });
});
