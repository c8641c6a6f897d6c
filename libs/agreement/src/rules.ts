/** The rule catalogue of the umbrella agreement; ids are stable and shared by the API, logs and docs. */
export const RULES = {
  'UA-1': 'Only agencies that have signed the active version may send, receive or accept referrals.',
  'UA-2':
    "A referral may only go to an agency the client's consent for referral covers (the agency, or its domain where it offers a service); taking a client on without a referral needs their consent to that agency coordinating their case; withdrawing consent cancels what it no longer covers.",
  'UA-3': 'A client has at most one lead agency at a time.',
  'UA-4': 'In an exclusive domain, at most one agency holds an active claim on a client.',
  'UA-5': 'No second open referral for the same client and domain anywhere in the network.',
  'UA-6': 'No hand-back loop: a client referred A→B may not be referred B→A in the same domain within the window.',
  'UA-7': 'A referral to a service with no capacity is refused or waitlisted, as the agreement says.',
  'UA-8': 'A receiving agency answers within the response window, otherwise the referral expires.',
  'UA-9': 'A claim moves only by handover: the holder refers or releases; another agency cannot take it.',
  'UA-10': 'An outcome is credited to exactly one agency; contributing agencies are recorded, never double-counted.',
} as const;

export type RuleId = keyof typeof RULES;
export const RULE_IDS = Object.keys(RULES) as RuleId[];
