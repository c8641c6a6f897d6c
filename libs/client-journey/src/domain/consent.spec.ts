import { consentBasis, coveringConsents, covers, sameScope } from './consent';

describe('consent coverage (UA-2)', () => {
  const toCollege = { consentId: 'c1', agencyId: 'harbour-college', purpose: 'referral' } as const;
  const housing = { consentId: 'c2', domain: 'housing', purpose: 'referral' } as const;
  const tracking = { consentId: 'c3', agencyId: 'north-jobcentre', purpose: 'outcome-tracking' } as const;

  it('covers the agency an agency consent names, and no other', () => {
    expect(covers(toCollege, { agencyId: 'harbour-college' })).toBe(true);
    expect(covers(toCollege, { agencyId: 'harbour-college', domain: 'training' })).toBe(true);
    expect(covers(toCollege, { agencyId: 'riverside-health' })).toBe(false);
  });

  it('covers any agency working in the domain a domain consent names, and nothing outside it', () => {
    expect(covers(housing, { agencyId: 'northbridge-homes', domain: 'housing' })).toBe(true);
    expect(covers(housing, { agencyId: 'any-other', domain: 'housing' })).toBe(true);
    expect(covers(housing, { agencyId: 'northbridge-homes', domain: 'health' })).toBe(false);
    expect(covers(housing, { agencyId: 'northbridge-homes' })).toBe(false);
  });

  it('does not stretch a consent for one purpose to another', () => {
    expect(covers(tracking, { agencyId: 'north-jobcentre', purpose: 'outcome-tracking' })).toBe(true);
    expect(covers(tracking, { agencyId: 'north-jobcentre', purpose: 'referral' })).toBe(false);
  });

  it('lists the consents that cover a target; after a withdrawal the rest still decide', () => {
    const active = [toCollege, housing, tracking];
    expect(coveringConsents(active, { agencyId: 'harbour-college', domain: 'housing' }).map((c) => c.consentId)).toEqual(['c1', 'c2']);
    const afterWithdrawingC1 = active.filter((c) => c.consentId !== 'c1');
    expect(coveringConsents(afterWithdrawingC1, { agencyId: 'harbour-college', domain: 'training' })).toEqual([]);
    expect(coveringConsents(afterWithdrawingC1, { agencyId: 'harbour-college', domain: 'housing' }).map((c) => c.consentId)).toEqual(['c2']);
  });

  it('treats the same scope and purpose as the same consent, whatever the nulls', () => {
    expect(sameScope({ agencyId: 'a', domain: null, purpose: 'referral' }, { agencyId: 'a', purpose: 'referral' })).toBe(true);
    expect(sameScope({ agencyId: 'a', purpose: 'referral' }, { agencyId: 'a', purpose: 'case-coordination' })).toBe(false);
    expect(sameScope({ domain: 'housing', purpose: 'referral' }, { agencyId: 'a', purpose: 'referral' })).toBe(false);
  });

  it('shows the record to an agency named for case coordination, the journey alone for outcome tracking, nothing for referral or a domain', () => {
    expect(consentBasis({ agencyId: 'harbour-college', purpose: 'case-coordination' })).toBe('consent');
    expect(consentBasis(tracking)).toBe('outcome-tracking');
    expect(consentBasis(toCollege)).toBeNull();
    expect(consentBasis(housing)).toBeNull();
    expect(consentBasis({ domain: 'housing', purpose: 'case-coordination' })).toBeNull();
  });
});
