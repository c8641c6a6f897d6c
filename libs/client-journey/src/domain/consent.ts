import { ConsentPurpose, DomainOfSupport } from '@umbrella/contracts/vocabulary';

/** A consent as the rules see it: one agency or one domain of support, for one purpose. */
export interface ConsentScope {
  readonly agencyId?: string | null;
  readonly domain?: DomainOfSupport | null;
  readonly purpose: ConsentPurpose;
}

export interface ActiveConsent extends ConsentScope {
  readonly consentId: string;
}

/** What sharing is being asked about: an agency, optionally in a domain of support, optionally for a purpose. */
export interface SharingTarget {
  readonly agencyId: string;
  readonly domain?: DomainOfSupport;
  readonly purpose?: ConsentPurpose;
}

/**
 * UA-2: a consent covers an agency it names, or any agency working with the client in the domain
 * it names. A consent for one purpose does not cover another.
 */
export function covers(consent: ConsentScope, target: SharingTarget): boolean {
  if (target.purpose && consent.purpose !== target.purpose) return false;
  if (consent.agencyId) return consent.agencyId === target.agencyId;
  return !!consent.domain && consent.domain === target.domain;
}

/** The active consents that cover a target; none means sharing is not allowed. */
export function coveringConsents<T extends ActiveConsent>(active: readonly T[], target: SharingTarget): T[] {
  return active.filter((c) => covers(c, target));
}

/** Two consents with the same scope and purpose are the same consent: giving it again changes nothing. */
export function sameScope(a: ConsentScope, b: ConsentScope): boolean {
  return (a.agencyId ?? null) === (b.agencyId ?? null) && (a.domain ?? null) === (b.domain ?? null) && a.purpose === b.purpose;
}

/**
 * What a consent shows of the client, to the one agency it names: the record and journey for
 * coordinating the case, the journey alone for tracking outcomes. A consent for referral shows
 * nothing by itself (the agency sees the client through the referral it allows), and a domain
 * consent names no agency, so it shows the client to no one.
 */
export function consentBasis(consent: ConsentScope): 'consent' | 'outcome-tracking' | null {
  if (!consent.agencyId) return null;
  if (consent.purpose === 'case-coordination') return 'consent';
  return consent.purpose === 'outcome-tracking' ? 'outcome-tracking' : null;
}
