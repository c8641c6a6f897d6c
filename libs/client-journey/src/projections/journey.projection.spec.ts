import { EVENT_CONTRACTS, TOPICS } from '@umbrella/contracts';
import { agenciesNamed, JOURNEY_EVENT_TYPES, TimelineInput, timelineEntryOf } from './journey.projection';

describe('the journey timeline entries', () => {
  it('handles every event type on the referral and client topics, and none from elsewhere', () => {
    const expected = EVENT_CONTRACTS.filter((c) => (c.topic === TOPICS.referrals || c.topic === TOPICS.clients) && c.type !== 'AgreementDecisionRecorded').map((c) => c.type);
    expect([...JOURNEY_EVENT_TYPES].sort()).toEqual([...new Set(expected)].sort());
    expect(JOURNEY_EVENT_TYPES).not.toContain('AgencyRegistered');
    expect(JOURNEY_EVENT_TYPES).not.toContain('AgreementDecisionRecorded');
  });

  it('reads a referral as "from → to", keeping the payload (without the client id) as details', () => {
    const entry = timelineEntryOf({
      type: 'ReferralRequested',
      data: { referralId: 'r1', clientId: 'c-1', fromAgencyId: 'north', toAgencyId: 'college', domain: 'training', requestedAt: '2026-11-24T10:00:00.000Z', respondBy: '2026-11-26T10:00:00.000Z', waitlisted: false, handsOverLead: false },
    });
    expect(entry).toEqual({
      agencyIds: ['north', 'college'],
      summary: 'Referred by north to college for training',
      details: { referralId: 'r1', fromAgencyId: 'north', toAgencyId: 'college', domain: 'training', requestedAt: '2026-11-24T10:00:00.000Z', respondBy: '2026-11-26T10:00:00.000Z', waitlisted: false, handsOverLead: false },
    });
  });

  const cases: [string, TimelineInput, string, string[]][] = [
    ['ClientRegistered', { type: 'ClientRegistered', data: { clientId: 'c-1', ageBand: '18-24', under25: true, region: 'NB', registeredByAgencyId: 'north', registeredAt: 't' } }, 'Registered by north (age band 18-24, region NB)', ['north']],
    ['ConsentGiven', { type: 'ConsentGiven', data: { clientId: 'c-1', consentId: 'k', agencyId: 'college', purpose: 'referral', evidence: 'written', recordedByAgencyId: 'north', givenAt: 't' } }, 'Consent to share with college for referral (written), recorded by north', ['college', 'north']],
    ['ConsentWithdrawn', { type: 'ConsentWithdrawn', data: { clientId: 'c-1', consentId: 'k', domain: 'housing', purpose: 'referral', reason: 'client-erased', evidence: 'verbal', withdrawnAt: 't' } }, 'Consent to share with any agency in housing for referral withdrawn (client erased)', []],
    ['KeyWorkerAssigned', { type: 'KeyWorkerAssigned', data: { clientId: 'c-1', assignmentId: 'a2', leadAgencyId: 'college', keyWorkerId: 'sam', previousAssignmentId: 'a1', previousLeadAgencyId: 'north', assignedAt: 't' } }, 'Lead passed from north to college; key worker sam', ['college', 'north']],
    ['MilestoneRecorded', { type: 'MilestoneRecorded', data: { clientId: 'c-1', milestoneId: 'm', milestone: 'barrier-identified', domain: 'housing', occurredOn: '2026-11-02', recordedByAgencyId: 'north', leadAgencyId: 'north', ageBand: '18-24', under25: true, recordedAt: 't' } }, 'Barrier identified (housing) on 2026-11-02, recorded by north', ['north']],
    ['ClientErased', { type: 'ClientErased', data: { clientId: 'c-1', erasedAt: 't' } }, 'Personal data erased at the client’s request', []],
  ];
  it.each(cases)('summarises %s for a caseworker', (_type, event, summary, agencyIds) => {
    const entry = timelineEntryOf(event);
    expect(entry.summary).toBe(summary);
    expect(entry.agencyIds).toEqual(agencyIds);
    expect(entry.details).not.toHaveProperty('clientId');
  });

  it('still shows an event type it has no sentence for yet (the referral work adds them), naming its agencies', () => {
    const data = { referralId: 'r1', fromAgencyId: 'north', toAgencyId: 'college', domain: 'training', previousStatus: 'requested', status: 'accepted', byAgencyId: 'college', at: 't' } as const;
    const entry = timelineEntryOf({ type: 'ReferralAccepted', data: { clientId: 'c-1', ...data } });
    expect(entry).toEqual({ agencyIds: ['college', 'north'], summary: 'Referral Accepted (college, north)', details: data });
  });

  it('names agencies in a fixed order whatever the field order on the wire (jsonb reorders keys)', () => {
    expect(agenciesNamed({ leadAgencyId: 'lead', recordedByAgencyId: 'rec' }, 'MilestoneRecorded')).toEqual(['rec', 'lead']);
    expect(agenciesNamed({ toAgencyId: 'to', fromAgencyId: 'from' }, 'ReferralRequested')).toEqual(['from', 'to']);
  });

  it('for an unknown type, collects agencyId and …AgencyId fields only, by field name, once each', () => {
    expect(agenciesNamed({ toAgencyId: 'a', fromAgencyId: 'b', agencyId: 'a', agency: 'x', keyWorkerId: 'u', count: 3 })).toEqual(['a', 'b']);
    expect(agenciesNamed({ fromAgencyId: 'b', toAgencyId: 'a', agencyId: 'a' }, 'SomethingNew')).toEqual(['a', 'b']);
  });
});
