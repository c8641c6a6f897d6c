/** The domains of support an umbrella agreement governs. */
export const DOMAINS_OF_SUPPORT = [
  'employment-case-management',
  'training',
  'health',
  'housing',
  'addiction',
  'confidence-and-motivation',
  'employer-placement',
] as const;

export type DomainOfSupport = (typeof DOMAINS_OF_SUPPORT)[number];

/** Kinds of stakeholder a local partnership brings together. */
export const STAKEHOLDER_TYPES = [
  'public-employment-service',
  'municipality',
  'employer',
  'education-or-training-provider',
  'ngo',
  'health',
  'housing',
  'development-agency',
  'chamber-of-commerce',
] as const;

export type StakeholderType = (typeof STAKEHOLDER_TYPES)[number];

/** Groups a service is aimed at (HSDS leaves this to attributes; we keep a closed list). */
export const TARGET_GROUPS = [
  'young-people',
  'long-term-unemployed',
  'lone-parents',
  'disabled-people',
  'ex-offenders',
  'migrants-and-refugees',
  'care-leavers',
  'over-50s',
  'veterans',
  'everyone',
] as const;

export type TargetGroup = (typeof TARGET_GROUPS)[number];
