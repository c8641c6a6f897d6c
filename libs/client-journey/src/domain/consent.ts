import { ConsentPurpose, DomainOfSupport } from '@umbrella/contracts';

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
 * The agency a consent lets see the client's record. A domain consent names no agency: the
 * agencies it covers see the client through the referral it allows, and lose them when it ends.
 */
export function agencyShownBy(consent: ConsentScope): string | null {
  return consent.agencyId ?? null;
}
