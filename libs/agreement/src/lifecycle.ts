import { CLOSED_REFERRAL_STATUSES, OPEN_REFERRAL_STATUSES, REFERRAL_ACTIONS as ACTIONS, ReferralAction, ReferralStatus } from '@umbrella/contracts/vocabulary';

export { REFERRAL_STATUSES } from '@umbrella/contracts/vocabulary';
export type { ReferralAction, ReferralStatus } from '@umbrella/contracts/vocabulary';

export const OPEN_STATUSES = OPEN_REFERRAL_STATUSES;

/**
 * The referral lifecycle, aligned with the HL7 FHIR Task state machine used for closed-loop
 * referrals: requested → accepted | rejected | expired; accepted → in-progress | on-hold;
 * in-progress ↔ on-hold; in-progress → completed | failed; any open state → cancelled; a mistake
 * is marked entered-in-error, never deleted.
 */
export const TRANSITIONS = {
  accept: { from: ['requested'], to: 'accepted', by: 'receiver' },
  reject: { from: ['requested'], to: 'rejected', by: 'receiver' },
  start: { from: ['accepted'], to: 'in-progress', by: 'receiver' },
  hold: { from: ['accepted', 'in-progress'], to: 'on-hold', by: 'receiver' },
  resume: { from: ['on-hold'], to: 'in-progress', by: 'receiver' },
  complete: { from: ['in-progress'], to: 'completed', by: 'receiver' },
  fail: { from: ['in-progress'], to: 'failed', by: 'receiver' },
  cancel: { from: OPEN_STATUSES, to: 'cancelled', by: 'either' },
  expire: { from: ['requested'], to: 'expired', by: 'system' },
  'enter-in-error': { from: ['requested', 'accepted', 'rejected', 'in-progress', 'on-hold', 'completed', 'failed', 'cancelled', 'expired'], to: 'entered-in-error', by: 'either' },
} as const satisfies Record<ReferralAction, { from: readonly ReferralStatus[]; to: ReferralStatus; by: 'receiver' | 'either' | 'system' }>;

export const REFERRAL_ACTIONS: ReferralAction[] = [...ACTIONS];

export function isOpen(status: ReferralStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

/** The status an action leads to, or null when the lifecycle does not allow it from here. */
export function nextStatus(current: ReferralStatus, action: ReferralAction): ReferralStatus | null {
  const t = TRANSITIONS[action];
  return (t.from as readonly ReferralStatus[]).includes(current) ? t.to : null;
}

/** Closing a referral ends the claim it granted. */
export function closes(status: ReferralStatus): boolean {
  return CLOSED_REFERRAL_STATUSES.includes(status);
}
