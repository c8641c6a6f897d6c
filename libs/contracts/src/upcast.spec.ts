import { randomUUID } from 'node:crypto';
import { findContract, latestVersion, parseEvent, referralRequestedV1ToV2 } from './registry';
import { ReferralRequestedV1 } from './events/referral.events';
import { validatePlain } from './validation';

describe('upcasting', () => {
  const v1 = {
    eventId: randomUUID(),
    type: 'ReferralRequested',
    schemaVersion: 1,
    occurredAt: '2026-11-20T10:00:00.000Z',
    producer: 'referral',
    correlationId: 'c',
    causationId: null,
    key: 'c-1',
    data: { referralId: randomUUID(), clientId: 'c-1', fromAgencyId: 'a-1', toAgencyId: 'b-1', domain: 'training', requestedAt: '2026-11-20T10:00:00.000Z' },
  };

  it('brings ReferralRequested v1 to the latest version, valid against that version’s contract', () => {
    const parsed = parseEvent(v1);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const latest = parsed.value;
    expect(latest.schemaVersion).toBe(latestVersion('ReferralRequested'));
    expect(latest.data).toMatchObject({ respondBy: '2026-11-22T10:00:00.000Z', waitlisted: false, handsOverLead: false });
    const contract = findContract('ReferralRequested', latest.schemaVersion)!;
    expect(validatePlain(contract.data, latest.data, { strict: true }).ok).toBe(true);
  });

  it('leaves an event of the latest version as it is', () => {
    const event = { ...v1, type: 'AgencyRegistered', key: 'a-1', data: { agencyId: 'a-1', name: 'A', stakeholderType: 'ngo', region: 'NB', registeredAt: '2026-11-20T10:00:00.000Z' } };
    const parsed = parseEvent(event);
    expect(parsed.ok && { ...parsed.value, data: { ...parsed.value.data } }).toEqual(event);
  });

  it('upcasts v1 to v2 field by field, typed on both sides', () => {
    const v1Data: ReferralRequestedV1 = { ...v1.data, domain: 'training', serviceId: 's-1' };
    expect(referralRequestedV1ToV2(v1Data)).toEqual({ ...v1Data, respondBy: '2026-11-22T10:00:00.000Z', waitlisted: false, handsOverLead: false });
  });
});
