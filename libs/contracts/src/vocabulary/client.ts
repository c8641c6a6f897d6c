/* What is said about a client: derived attributes, consent and milestones, never who the client is. */

/** Coarse age bands: enough for the partnership's goals (e.g. "no one under 25 out of work or training"), too coarse to identify. */
export const AGE_BANDS = ['under-16', '16-17', '18-24', '25-34', '35-49', '50-64', '65-plus'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** What a client's consent to share lets the covered agencies do. */
export const CONSENT_PURPOSES = ['referral', 'case-coordination', 'outcome-tracking'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

/** How the consent (or its withdrawal) was evidenced; the caseworker who recorded it is the event's actor. */
export const CONSENT_EVIDENCE = ['written', 'verbal', 'electronic'] as const;
export type ConsentEvidence = (typeof CONSENT_EVIDENCE)[number];

export const CONSENT_WITHDRAWAL_REASONS = ['client-request', 'client-erased'] as const;
export type ConsentWithdrawalReason = (typeof CONSENT_WITHDRAWAL_REASONS)[number];

export const MILESTONES = [
  'barrier-identified',
  'barrier-resolved',
  'training-started',
  'training-completed',
  'job-entry',
  'sustained-employment-13-weeks',
  'sustained-employment-26-weeks',
  'left-programme',
] as const;
export type Milestone = (typeof MILESTONES)[number];

/** Barriers are named by the domain of support that addresses them (health, housing…). */
export const BARRIER_MILESTONES: readonly Milestone[] = ['barrier-identified', 'barrier-resolved'];
