import { randomUUID } from 'node:crypto';
import { parseEvent } from '../registry';
import { TOPICS } from '../topics';
import { findContract } from '../registry';

function envelope(type: string, data: Record<string, unknown>, key = 'c-0a1b2c3d4e5f') {
  return {
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    occurredAt: '2026-11-24T10:00:00.000Z',
    producer: 'client-journey',
    correlationId: 'corr-1',
    causationId: null,
    key,
    data: { clientId: 'c-0a1b2c3d4e5f', ...data },
  };
}

const consent = { consentId: randomUUID(), purpose: 'referral', evidence: 'written', recordedByAgencyId: 'north-jobcentre', givenAt: '2026-11-24T10:00:00.000Z' };

function errorsOf(raw: unknown, strict = true): string[] {
  const result = parseEvent(raw, { strict });
  return result.ok ? [] : result.errors;
}

describe('client event contracts', () => {
  it('puts every client event on the client topic, keyed by client id', () => {
    for (const type of ['ClientRegistered', 'ConsentGiven', 'ConsentWithdrawn', 'KeyWorkerAssigned', 'MilestoneRecorded', 'ClientErased']) {
      expect(findContract(type, 1)?.topic).toBe(TOPICS.clients);
    }
    expect(errorsOf(envelope('ClientErased', { erasedAt: '2026-11-24T10:00:00.000Z' }, 'c-other'))).toEqual(['key: must be clientId of the payload (c-0a1b2c3d4e5f)']);
  });

  it('accepts a registration carrying derived attributes only', () => {
    const event = envelope('ClientRegistered', { ageBand: '18-24', under25: true, region: 'NB', registeredByAgencyId: 'north-jobcentre', registeredAt: '2026-11-24T10:00:00.000Z' });
    expect(errorsOf(event)).toEqual([]);
  });

  it('refuses personal data smuggled into a registration when strict, as every producer validates', () => {
    const event = envelope('ClientRegistered', {
      ageBand: '18-24',
      under25: true,
      region: 'NB',
      registeredByAgencyId: 'north-jobcentre',
      registeredAt: '2026-11-24T10:00:00.000Z',
      name: 'Jane Doe',
      dateOfBirth: '2004-02-29',
    });
    expect(errorsOf(event)).toEqual(expect.arrayContaining(['data.name: property name should not exist', 'data.dateOfBirth: property dateOfBirth should not exist']));
  });

  it('refuses a region that is a full postcode rather than an area', () => {
    const event = envelope('ClientRegistered', { ageBand: '18-24', under25: true, region: 'NB1 4QT', registeredByAgencyId: 'north-jobcentre', registeredAt: '2026-11-24T10:00:00.000Z' });
    expect(errorsOf(event)).toEqual(['data.region: region must be a postcode area code']);
  });

  it.each([
    ['an agency', { agencyId: 'harbour-college' }, []],
    ['a domain', { domain: 'housing' }, []],
    ['neither', {}, ['data.agencyId: give exactly one of agencyId (an agency) or domain (a domain of support)']],
    ['both', { agencyId: 'harbour-college', domain: 'housing' }, ['data.agencyId: give exactly one of agencyId (an agency) or domain (a domain of support)']],
    ['a malformed agency', { agencyId: 'Harbour College' }, ['data.agencyId: agencyId must be an agency id (lowercase letters, digits, dashes)']],
    ['an unknown domain', { domain: 'astrology' }, [expect.stringMatching(/^data\.domain: domain must be one of/)]],
  ])('a consent given to %s: %j', (_what, scope, expected) => {
    expect(errorsOf(envelope('ConsentGiven', { ...consent, ...scope }))).toEqual(expected);
  });

  it('requires a withdrawal to say why and name the scope it ends', () => {
    const { givenAt: _g, ...rest } = consent;
    const ok = envelope('ConsentWithdrawn', { ...rest, agencyId: 'harbour-college', reason: 'client-request', withdrawnAt: '2026-11-25T10:00:00.000Z' });
    expect(errorsOf(ok)).toEqual([]);
    const noReason = envelope('ConsentWithdrawn', { ...rest, agencyId: 'harbour-college', withdrawnAt: '2026-11-25T10:00:00.000Z' });
    expect(errorsOf(noReason)).toEqual([expect.stringMatching(/^data\.reason:/)]);
  });

  it('requires a domain on a barrier milestone and a real calendar date', () => {
    const milestone = {
      milestoneId: randomUUID(),
      recordedByAgencyId: 'north-jobcentre',
      leadAgencyId: 'north-jobcentre',
      ageBand: '25-34',
      under25: false,
      recordedAt: '2026-11-24T10:00:00.000Z',
    };
    expect(errorsOf(envelope('MilestoneRecorded', { ...milestone, milestone: 'job-entry', occurredOn: '2026-11-20' }))).toEqual([]);
    expect(errorsOf(envelope('MilestoneRecorded', { ...milestone, milestone: 'barrier-identified', occurredOn: '2026-11-20' }))).toEqual([
      expect.stringMatching(/^data\.domain: domain must be one of/),
    ]);
    expect(errorsOf(envelope('MilestoneRecorded', { ...milestone, milestone: 'job-entry', occurredOn: '2026-02-30' }))).toEqual([
      expect.stringMatching(/^data\.occurredOn:/),
    ]);
  });
});
