import { randomUUID } from 'node:crypto';
import { findContract, latestVersion, parseEvent, upcast } from './registry';
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
    const latest = upcast(parsed.ok ? parsed.value : (null as never));
    expect(latest.schemaVersion).toBe(latestVersion('ReferralRequested'));
    expect(latest.data).toMatchObject({ respondBy: '2026-11-22T10:00:00.000Z', waitlisted: false, handsOverLead: false });
    const contract = findContract('ReferralRequested', latest.schemaVersion)!;
    expect(validatePlain(contract.data, latest.data, { strict: true }).ok).toBe(true);
  });

  it('leaves an event of the latest version as it is', () => {
    const event = { ...v1, type: 'AgencyRegistered', schemaVersion: 1 };
    expect(upcast(event)).toBe(event);
  });
});
