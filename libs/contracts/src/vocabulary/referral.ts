/*
 * The referral lifecycle's words, aligned with the HL7 FHIR Task state machine used for closed-loop
 * referrals. The engine's transition table, the referral service's SQL, reporting and the portal
 * all read them from here, so a status or an event name is spelt in one place.
 */

export const REFERRAL_STATUSES = ['requested', 'accepted', 'rejected', 'in-progress', 'on-hold', 'completed', 'failed', 'cancelled', 'expired', 'entered-in-error'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

/** A referral in one of these is still being worked (UA-5 allows one per client and domain). */
export const OPEN_REFERRAL_STATUSES: readonly ReferralStatus[] = ['requested', 'accepted', 'in-progress', 'on-hold'];

/** Closing a referral ends the claim it granted; reporting dates the close. */
export const CLOSED_REFERRAL_STATUSES: readonly ReferralStatus[] = ['completed', 'failed', 'cancelled', 'entered-in-error', 'rejected', 'expired'];

/** How a request is first answered (time-to-answer measures the first of these). */
export const REFERRAL_ANSWERS = ['accepted', 'rejected', 'expired'] as const satisfies readonly ReferralStatus[];
export type ReferralAnswer = (typeof REFERRAL_ANSWERS)[number];

export function isOpenStatus(status: string): boolean {
  return (OPEN_REFERRAL_STATUSES as readonly string[]).includes(status);
}

export function isClosedStatus(status: string): boolean {
  return (CLOSED_REFERRAL_STATUSES as readonly string[]).includes(status);
}

export function isAnswer(status: string): status is ReferralAnswer {
  return REFERRAL_ANSWERS.some((answer) => answer === status);
}

/** The steps of the lifecycle, as the API names them (`POST /referrals/{id}/accept`). */
export const REFERRAL_ACTIONS = ['accept', 'reject', 'start', 'hold', 'resume', 'complete', 'fail', 'cancel', 'expire', 'enter-in-error'] as const;
export type ReferralAction = (typeof REFERRAL_ACTIONS)[number];

/** The event each step publishes. */
export const TRANSITION_EVENT = {
  accept: 'ReferralAccepted',
  reject: 'ReferralRejected',
  start: 'ReferralStarted',
  hold: 'ReferralPaused',
  resume: 'ReferralResumed',
  complete: 'ReferralCompleted',
  fail: 'ReferralFailed',
  cancel: 'ReferralCancelled',
  expire: 'ReferralExpired',
  'enter-in-error': 'ReferralEnteredInError',
} as const satisfies Record<ReferralAction, string>;
export type ReferralTransitionEventType = (typeof TRANSITION_EVENT)[ReferralAction];

/** Every transition event type, in lifecycle order. */
export const REFERRAL_TRANSITION_EVENTS: readonly ReferralTransitionEventType[] = REFERRAL_ACTIONS.map((action) => TRANSITION_EVENT[action]);

/** Why a referral was rejected or closed; free text stays in the referral service (it may name a person). */
export const REFERRAL_REASONS = [
  'not-eligible',
  'no-capacity',
  'could-not-contact',
  'client-declined',
  'already-served-elsewhere',
  'referred-elsewhere',
  'consent-withdrawn',
  'other',
] as const;
export type ReferralReason = (typeof REFERRAL_REASONS)[number];

/** The reasons a caseworker chooses from: consent-withdrawn is the platform's, when it cancels on a withdrawal (UA-2). */
export const CASEWORKER_REASONS: readonly ReferralReason[] = REFERRAL_REASONS.filter((reason) => reason !== 'consent-withdrawn');
