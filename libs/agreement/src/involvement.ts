import { ConsentPurpose, DomainOfSupport } from '@umbrella/contracts/vocabulary';
import type { ClientState } from './decide';
import { isOpen } from './lifecycle';

/*
 * Who works with a client, and what that lets them do: the access model of the partnership. The
 * referral service and client-journey each build an agency's involvement from the same events
 * (registration and handover for the lead; ClaimGranted and ClaimReleased; the referral lifecycle;
 * ConsentGiven and ConsentWithdrawn) and ask these functions, so they never disagree.
 *
 * An agency is involved with a client as
 * - the lead agency: it registered the client, or received the lead by an accepted handover
 *   referral (UA-3); the lead moves in no other way;
 * - a claim holder, in each domain it holds the client's case in (UA-4, UA-9);
 * - a party to an open referral (its sender or receiver, while the referral is requested,
 *   accepted, in progress or on hold);
 * - an agency the client's active consent names, for each purpose that consent is for.
 * A consent for a domain of support names no agency: it lets the lead and the claim holders refer
 * the client to agencies offering a service in that domain (UA-2), and shows the client to no one.
 *
 * An agency that may not follow the client's journey learns nothing about the client: every
 * command and query naming the client refuses it exactly as if the client did not exist.
 */

/** What an agency may do with a client. */
export const CLIENT_ACTIONS = [
  /** Read the client's record (personal data), case and journey. */
  'see',
  /** Read the journey timeline only (milestones and referrals, no personal data). */
  'see-journey',
  /** Send a referral for the client, from itself. */
  'refer',
  /** Take the client's case in a domain without a referral (a walk-in). */
  'claim',
  /** Record the client's consent to share: the lead, who holds the client's case, and no one else. */
  'record-consent',
  /** Record that the client withdrew a consent (the agency a consent names may also record its own withdrawal). */
  'withdraw-consent',
  /** Record a milestone of the client's journey. */
  'record-milestone',
  /** Assign the key worker (within the lead agency). */
  'manage-case',
  /** Erase the client's personal data. */
  'erase',
  /** Read who read or acted on the client's record. */
  'read-audit',
] as const;
export type ClientAction = (typeof CLIENT_ACTIONS)[number];

export interface Involvement {
  readonly lead: boolean;
  /** Domains the agency holds an active claim in. */
  readonly claims: readonly DomainOfSupport[];
  /** The agency sent or receives a referral of the client that is still open. */
  readonly referralParty: boolean;
  /** Purposes of the active consents that name the agency. */
  readonly consentPurposes: readonly ConsentPurpose[];
}

export const NOT_INVOLVED: Involvement = { lead: false, claims: [], referralParty: false, consentPurposes: [] };

/** Whether an involvement lets the agency do something. Pure: the whole model is this table. */
export function permits(inv: Involvement, action: ClientAction): boolean {
  const holdsCase = inv.lead || inv.claims.length > 0;
  const coordinates = inv.consentPurposes.includes('case-coordination');
  switch (action) {
    case 'see':
    case 'record-milestone':
      return holdsCase || inv.referralParty || coordinates;
    case 'see-journey':
      return holdsCase || inv.referralParty || coordinates || inv.consentPurposes.includes('outcome-tracking');
    case 'refer':
    case 'withdraw-consent':
      return holdsCase;
    case 'record-consent':
      return inv.lead;
    case 'claim':
      // a walk-in needs the lead, or a consent naming the agency for coordinating the client's case
      return inv.lead || coordinates;
    case 'manage-case':
    case 'erase':
    case 'read-audit':
      return inv.lead;
  }
}

/**
 * Why an agency may not do something with a client, or null when it may. An agency that may not
 * even follow the client's journey learns nothing, whatever it asks: `not-visible`, the answer for a
 * client that does not exist. One that may is told its involvement does not allow the action.
 * `decide` stands for a command the agreement engine decides on its own rules (a walk-in claim, a
 * release): the agency needs only to see the client to ask.
 */
export function refusalOf(inv: Involvement, action: ClientAction | 'decide'): 'not-visible' | 'not-lead' | 'not-case-holder' | null {
  if (!permits(inv, 'see-journey')) return 'not-visible';
  if (action === 'decide' || permits(inv, action)) return null;
  if (action === 'see') return 'not-visible';
  return action === 'record-consent' || action === 'manage-case' || action === 'erase' || action === 'read-audit' ? 'not-lead' : 'not-case-holder';
}

/** An agency's involvement, read from the state the engine decides on. */
export function involvementIn(state: ClientState, agencyId: string): Involvement {
  return {
    lead: state.leadAgencyId === agencyId,
    claims: state.claims.filter((c) => c.agencyId === agencyId).map((c) => c.domain),
    referralParty: state.referrals.some((r) => isOpen(r.status) && (r.fromAgencyId === agencyId || r.toAgencyId === agencyId)),
    consentPurposes: [...new Set(state.consents.filter((c) => c.agencyId === agencyId).map((c) => c.purpose))],
  };
}
