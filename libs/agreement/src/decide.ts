import { ConsentPurpose, DomainOfSupport, ReferralReason } from '@umbrella/contracts/vocabulary';
import { Agreement } from './agreement';
import { addDays } from './calendar';
import { closes, isOpen, nextStatus, ReferralAction, ReferralStatus, TRANSITIONS } from './lifecycle';
import { involvementIn, permits } from './involvement';
import { RULE_IDS, RuleId } from './rules';

/*
 * The agreement engine: pure functions from (agreement, state, command) to the events to record or
 * a refusal naming the rule, with a sentence a caseworker can read. The clock and the look-ups are
 * passed in; nothing here touches a database, a broker or a framework.
 */

export interface ReferralFacts {
  readonly id: string;
  readonly clientId: string;
  readonly fromAgencyId: string;
  readonly toAgencyId: string;
  readonly domain: DomainOfSupport;
  readonly status: ReferralStatus;
  readonly requestedAt: Date;
  readonly respondBy: Date;
  readonly handsOverLead: boolean;
}

export interface ClaimFacts {
  readonly agencyId: string;
  readonly domain: DomainOfSupport;
  readonly referralId: string | null;
}

/** An active consent: to one agency or to a domain of support, for one purpose. */
export interface ConsentFacts {
  readonly agencyId: string | null;
  readonly domain: DomainOfSupport | null;
  readonly purpose: ConsentPurpose;
}

/** What the engine needs to know of one client. */
export interface ClientState {
  readonly clientId: string;
  readonly leadAgencyId: string | null;
  /** Active claims. */
  readonly claims: readonly ClaimFacts[];
  /** Open referrals, and those requested within the hand-back window (UA-6). */
  readonly referrals: readonly ReferralFacts[];
  /** Active consents. */
  readonly consents: readonly ConsentFacts[];
  /** Outcomes already credited, as `type:milestoneId` keys (UA-10). */
  readonly creditedOutcomes: readonly string[];
}

export interface ServiceFacts {
  readonly serviceId: string;
  readonly agencyId: string;
  readonly name: string;
  readonly status: string;
  readonly available: number;
  readonly waitlistAllowed: boolean;
}

/** The directory as the referral service knows it (its read model of the directory's events). */
export interface DirectoryView {
  isSignatory(agencyId: string, agreementVersion: string): boolean;
  agencyName(agencyId: string): string;
  /** Whether the agency offers a service (not withdrawn) in the domain. */
  offers(agencyId: string, domain: DomainOfSupport): boolean;
}

export type EngineEvent =
  | { type: 'ReferralRequested'; referral: ReferralFacts; serviceId: string | null; waitlisted: boolean }
  | { type: 'ReferralStatusChanged'; referralId: string; action: ReferralAction; from: ReferralStatus; to: ReferralStatus; reason: ReferralReason | null }
  | { type: 'ClaimGranted'; agencyId: string; domain: DomainOfSupport; exclusive: boolean; referralId: string | null }
  | { type: 'ClaimReleased'; agencyId: string; domain: DomainOfSupport; reason: 'handed-over' | 'referral-closed' | 'released' }
  | { type: 'LeadHandedOver'; fromAgencyId: string | null; toAgencyId: string; referralId: string }
  | { type: 'OutcomeCredited'; milestoneId: string; outcome: string; creditedAgencyId: string; contributingAgencyIds: string[] };

export interface Allowed {
  readonly outcome: 'allowed';
  readonly events: EngineEvent[];
  /** Rules checked on the way; recorded with the decision. */
  readonly checked: RuleId[];
  readonly agreementVersion: string;
}

export interface Refused {
  readonly outcome: 'refused';
  /** A rule id (UA-1…UA-10) or a lifecycle code such as REFERRAL.ILLEGAL_TRANSITION. */
  readonly code: RuleId | 'REFERRAL.ILLEGAL_TRANSITION' | 'REFERRAL.NOT_ADDRESSED_TO_AGENCY' | 'REFERRAL.SERVICE_MISMATCH' | 'REFERRAL.SAME_AGENCY' | 'CLAIM.NOT_HELD' | 'CLAIM.NO_SERVICE_IN_DOMAIN';
  readonly message: string;
  readonly agreementVersion: string;
}

export type Decision = Allowed | Refused;

/** Every code a decision can be refused with: the rules, and the lifecycle's own refusals. */
export const REFUSAL_CODES: readonly Refused['code'][] = [
  ...RULE_IDS,
  'REFERRAL.ILLEGAL_TRANSITION',
  'REFERRAL.NOT_ADDRESSED_TO_AGENCY',
  'REFERRAL.SERVICE_MISMATCH',
  'REFERRAL.SAME_AGENCY',
  'CLAIM.NOT_HELD',
  'CLAIM.NO_SERVICE_IN_DOMAIN',
];

const refuse = (a: Agreement, code: Refused['code'], message: string): Refused => ({ outcome: 'refused', code, message, agreementVersion: a.version });
const allow = (a: Agreement, events: EngineEvent[], checked: RuleId[]): Allowed => ({ outcome: 'allowed', events, checked, agreementVersion: a.version });
const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * UA-2: the client's consent for referral covers the agency: a consent naming it, or a consent for
 * the domain when the agency offers a service in that domain. Consent for another purpose does not.
 */
export function referralConsentCovers(state: ClientState, directory: DirectoryView, agencyId: string, domain: DomainOfSupport): boolean {
  return state.consents.some((c) => c.purpose === 'referral' && (c.agencyId === agencyId || (c.domain === domain && directory.offers(agencyId, domain))));
}

function holderOf(state: ClientState, domain: DomainOfSupport): ClaimFacts | undefined {
  return state.claims.find((c) => c.domain === domain);
}

export interface RequestReferral {
  readonly referralId: string;
  readonly clientId: string;
  readonly fromAgencyId: string;
  readonly toAgencyId: string;
  readonly domain: DomainOfSupport;
  readonly handsOverLead: boolean;
  readonly service: ServiceFacts | null;
}

/** A caseworker refers a client to another agency (UA-1, UA-2, UA-5, UA-6, UA-9, UA-7, UA-8). */
export function decideRequest(a: Agreement, state: ClientState, directory: DirectoryView, cmd: RequestReferral, now: Date): Decision {
  const name = (id: string) => directory.agencyName(id);
  if (cmd.fromAgencyId === cmd.toAgencyId) return refuse(a, 'REFERRAL.SAME_AGENCY', 'An agency cannot refer a client to itself.');
  if (a.rules.requireSignature) {
    if (!directory.isSignatory(cmd.fromAgencyId, a.version)) {
      return refuse(a, 'UA-1', `${name(cmd.fromAgencyId)} has not signed version ${a.version} of the umbrella agreement, so it cannot send referrals.`);
    }
    if (!directory.isSignatory(cmd.toAgencyId, a.version)) {
      return refuse(a, 'UA-1', `${name(cmd.toAgencyId)} has not signed version ${a.version} of the umbrella agreement, so it cannot receive referrals.`);
    }
  }
  if (a.rules.requireConsent && !referralConsentCovers(state, directory, cmd.toAgencyId, cmd.domain)) {
    return refuse(a, 'UA-2', `The client has not consented to be referred to ${name(cmd.toAgencyId)} for ${cmd.domain}.`);
  }
  const open = state.referrals.find((r) => r.domain === cmd.domain && isOpen(r.status));
  if (open) return refuse(a, 'UA-5', `This client already has an open referral for ${cmd.domain} (to ${name(open.toAgencyId)}).`);
  const windowStart = now.getTime() - a.rules.handBackWindowDays * 24 * 3600 * 1000;
  const loop = state.referrals.find(
    (r) => r.domain === cmd.domain && r.fromAgencyId === cmd.toAgencyId && r.toAgencyId === cmd.fromAgencyId && r.requestedAt.getTime() >= windowStart && r.status !== 'entered-in-error',
  );
  if (loop) {
    return refuse(
      a,
      'UA-6',
      `${name(cmd.toAgencyId)} referred this client to ${name(cmd.fromAgencyId)} for ${cmd.domain} on ${day(loop.requestedAt)}; sending them back within ${a.rules.handBackWindowDays} days would be a hand-back loop.`,
    );
  }
  if (a.domains[cmd.domain].exclusive) {
    const holder = holderOf(state, cmd.domain);
    if (holder && holder.agencyId !== cmd.fromAgencyId) {
      return refuse(a, 'UA-9', `${name(holder.agencyId)} holds this client's case in ${cmd.domain}; only they can hand it over.`);
    }
  }
  if (cmd.handsOverLead && state.leadAgencyId !== null && state.leadAgencyId !== cmd.fromAgencyId) {
    return refuse(a, 'UA-9', `${name(state.leadAgencyId)} leads this client's case; only the lead agency can hand the lead over.`);
  }
  let waitlisted = false;
  if (cmd.service) {
    if (cmd.service.agencyId !== cmd.toAgencyId) return refuse(a, 'REFERRAL.SERVICE_MISMATCH', `${cmd.service.name} is not a service of ${name(cmd.toAgencyId)}.`);
    if (cmd.service.status !== 'active') return refuse(a, 'UA-7', `${cmd.service.name} is not taking referrals (${cmd.service.status}).`);
    if (cmd.service.available <= 0) {
      if (a.rules.whenNoCapacity === 'refuse' || !cmd.service.waitlistAllowed) {
        return refuse(a, 'UA-7', `${cmd.service.name} has no places available${cmd.service.waitlistAllowed ? '' : ' and keeps no waitlist'}.`);
      }
      waitlisted = true;
    }
  }
  const referral: ReferralFacts = {
    id: cmd.referralId,
    clientId: cmd.clientId,
    fromAgencyId: cmd.fromAgencyId,
    toAgencyId: cmd.toAgencyId,
    domain: cmd.domain,
    status: 'requested',
    requestedAt: now,
    respondBy: addDays(now, a.rules.responseWindow, a.rules.businessDays),
    handsOverLead: cmd.handsOverLead,
  };
  return allow(a, [{ type: 'ReferralRequested', referral, serviceId: cmd.service?.serviceId ?? null, waitlisted }], ['UA-1', 'UA-2', 'UA-5', 'UA-6', 'UA-9', 'UA-7', 'UA-8']);
}

/** A lifecycle step on a referral by one of its agencies (or the scheduler, for expiry). */
export interface ReferralStep {
  readonly referral: ReferralFacts;
  readonly action: ReferralAction;
  /** The agency acting; null for the system (expiry). */
  readonly byAgencyId: string | null;
  readonly reason: ReferralReason | null;
}

export function decideStep(a: Agreement, state: ClientState, directory: DirectoryView, step: ReferralStep, now: Date): Decision {
  const { referral: r, action } = step;
  const by = TRANSITIONS[action].by;
  // the platform itself expires referrals (UA-8) and cancels what withdrawn consent no longer covers (UA-2)
  const system = step.byAgencyId === null;
  if (system && !(action === 'expire' || (action === 'cancel' && step.reason === 'consent-withdrawn'))) {
    return refuse(a, 'REFERRAL.NOT_ADDRESSED_TO_AGENCY', 'Only the referring or the receiving agency can do this.');
  }
  if (!system) {
    if (by === 'system') return refuse(a, 'REFERRAL.NOT_ADDRESSED_TO_AGENCY', 'Only the platform expires referrals, when their response window has passed.');
    if (by === 'receiver' && step.byAgencyId !== r.toAgencyId) {
      return refuse(a, 'REFERRAL.NOT_ADDRESSED_TO_AGENCY', `Only ${directory.agencyName(r.toAgencyId)}, to whom the referral is addressed, can ${action} it.`);
    }
    if (by === 'either' && step.byAgencyId !== r.fromAgencyId && step.byAgencyId !== r.toAgencyId) {
      return refuse(a, 'REFERRAL.NOT_ADDRESSED_TO_AGENCY', 'Only the referring or the receiving agency can do this.');
    }
  }
  const to = nextStatus(r.status, action);
  if (!to) return refuse(a, 'REFERRAL.ILLEGAL_TRANSITION', `A referral that is ${r.status} cannot be ${pastTense(action)}.`);
  // UA-8: an answer after the window is too late, even before the sweep has marked the referral expired
  if ((action === 'accept' || action === 'reject') && r.status === 'requested' && now.getTime() > r.respondBy.getTime()) {
    return refuse(a, 'UA-8', `The response window closed at ${r.respondBy.toISOString()}; this referral has expired and the sender has been told.`);
  }
  if (action === 'expire' && now.getTime() < r.respondBy.getTime()) {
    return refuse(a, 'REFERRAL.ILLEGAL_TRANSITION', `The referral can be answered until ${r.respondBy.toISOString()}.`);
  }
  const changed: EngineEvent = { type: 'ReferralStatusChanged', referralId: r.id, action, from: r.status, to, reason: step.reason };
  if (action === 'accept') return decideAccept(a, state, directory, r, changed);
  const events: EngineEvent[] = [changed];
  if (closes(to)) {
    const granted = state.claims.find((c) => c.referralId === r.id);
    if (granted) events.push({ type: 'ClaimReleased', agencyId: granted.agencyId, domain: granted.domain, reason: 'referral-closed' });
  }
  return allow(a, events, action === 'expire' ? ['UA-8'] : system ? ['UA-2'] : []);
}

function decideAccept(a: Agreement, state: ClientState, directory: DirectoryView, r: ReferralFacts, changed: EngineEvent): Decision {
  const name = (id: string) => directory.agencyName(id);
  if (a.rules.requireSignature && !directory.isSignatory(r.toAgencyId, a.version)) {
    return refuse(a, 'UA-1', `${name(r.toAgencyId)} has not signed version ${a.version} of the umbrella agreement, so it cannot accept referrals.`);
  }
  if (a.rules.requireConsent && !referralConsentCovers(state, directory, r.toAgencyId, r.domain)) {
    return refuse(a, 'UA-2', `The client's consent no longer covers a referral to ${name(r.toAgencyId)} for ${r.domain}.`);
  }
  const exclusive = a.domains[r.domain].exclusive;
  const events: EngineEvent[] = [changed];
  const holder = exclusive ? holderOf(state, r.domain) : undefined;
  if (holder && holder.agencyId !== r.fromAgencyId && holder.agencyId !== r.toAgencyId) {
    return refuse(a, 'UA-4', `${name(holder.agencyId)} already holds this client's case in ${r.domain}, an exclusive domain.`);
  }
  if (holder && holder.agencyId === r.fromAgencyId) events.push({ type: 'ClaimReleased', agencyId: holder.agencyId, domain: r.domain, reason: 'handed-over' });
  const alreadyHeld = state.claims.some((c) => c.domain === r.domain && c.agencyId === r.toAgencyId);
  if (!alreadyHeld) events.push({ type: 'ClaimGranted', agencyId: r.toAgencyId, domain: r.domain, exclusive, referralId: r.id });
  if (r.handsOverLead) {
    if (state.leadAgencyId !== null && state.leadAgencyId !== r.fromAgencyId) {
      return refuse(a, 'UA-3', `${name(state.leadAgencyId)} now leads this client's case, so this referral can no longer hand over the lead.`);
    }
    events.push({ type: 'LeadHandedOver', fromAgencyId: state.leadAgencyId, toAgencyId: r.toAgencyId, referralId: r.id });
    // the old lead's walk-in claims stood on its leading the case: they go with the lead, unless the
    // client's consent names it for coordinating their case
    const oldLead = state.leadAgencyId;
    const coordinates = state.consents.some((c) => c.agencyId === oldLead && c.purpose === 'case-coordination');
    for (const c of state.claims) {
      const released = events.some((e) => e.type === 'ClaimReleased' && e.agencyId === c.agencyId && e.domain === c.domain);
      if (c.agencyId === oldLead && c.referralId === null && !coordinates && !released) events.push({ type: 'ClaimReleased', agencyId: c.agencyId, domain: c.domain, reason: 'handed-over' });
    }
  }
  return allow(a, events, ['UA-1', 'UA-2', 'UA-3', 'UA-4', 'UA-9']);
}

/** An agency takes on a client directly (a walk-in), without a referral. */
export function decideClaim(a: Agreement, state: ClientState, directory: DirectoryView, agencyId: string, domain: DomainOfSupport): Decision {
  if (a.rules.requireSignature && !directory.isSignatory(agencyId, a.version)) {
    return refuse(a, 'UA-1', `${directory.agencyName(agencyId)} has not signed version ${a.version} of the umbrella agreement.`);
  }
  if (state.claims.some((c) => c.domain === domain && c.agencyId === agencyId)) return allow(a, [], ['UA-4']);
  // a walk-in: the lead, or an agency the client's consent names for coordinating their case; a
  // consent for a domain lets the client be referred there, never taken by walk-in
  if (a.rules.requireConsent && !permits(involvementIn(state, agencyId), 'claim')) {
    return refuse(a, 'UA-2', `The client has not consented to ${directory.agencyName(agencyId)} taking on their case without a referral.`);
  }
  // an agency takes on a client's case only in a domain it serves
  if (!directory.offers(agencyId, domain)) {
    return refuse(a, 'CLAIM.NO_SERVICE_IN_DOMAIN', `${directory.agencyName(agencyId)} offers no service in ${domain}, so it cannot take on the client's case there.`);
  }
  const exclusive = a.domains[domain].exclusive;
  const holder = state.claims.find((c) => c.domain === domain && exclusive);
  if (holder) return refuse(a, 'UA-4', `${directory.agencyName(holder.agencyId)} already holds this client's case in ${domain}; it can hand it over by referral (UA-9).`);
  return allow(a, [{ type: 'ClaimGranted', agencyId, domain, exclusive, referralId: null }], ['UA-1', 'UA-2', 'UA-4']);
}

/**
 * UA-2, after a consent is withdrawn: the claims its withdrawal no longer covers are released. The
 * lead's claims stand; a walk-in claim needs a consent naming the agency for case coordination; a
 * claim taken by referral needs the client's consent to that referral (open referrals the
 * withdrawal no longer covers are cancelled first, each with its own decision, see decideStep).
 * Nothing to release is no decision at all (null).
 */
export function decideClaimsAfterWithdrawal(a: Agreement, state: ClientState, directory: DirectoryView): Decision | null {
  if (!a.rules.requireConsent) return null;
  const uncovered = state.claims.filter((c) => {
    if (c.agencyId === state.leadAgencyId) return false;
    if (state.consents.some((k) => k.agencyId === c.agencyId && k.purpose === 'case-coordination')) return false;
    return c.referralId === null || !referralConsentCovers(state, directory, c.agencyId, c.domain);
  });
  if (uncovered.length === 0) return null;
  return allow(
    a,
    uncovered.map((c) => ({ type: 'ClaimReleased', agencyId: c.agencyId, domain: c.domain, reason: 'released' })),
    ['UA-2'],
  );
}

/** An open referral the client's consent no longer covers (UA-2): the platform cancels it. */
export function referralStillCovered(a: Agreement, state: ClientState, directory: DirectoryView, referral: ReferralFacts): boolean {
  return !a.rules.requireConsent || referralConsentCovers(state, directory, referral.toAgencyId, referral.domain);
}

/** The holder lets a claim go. */
export function decideRelease(a: Agreement, state: ClientState, agencyId: string, domain: DomainOfSupport): Decision {
  if (!state.claims.some((c) => c.agencyId === agencyId && c.domain === domain)) {
    return refuse(a, 'CLAIM.NOT_HELD', `Your agency holds no claim on this client in ${domain}.`);
  }
  return allow(a, [{ type: 'ClaimReleased', agencyId, domain, reason: 'released' }], ['UA-9']);
}

export interface OutcomeMilestone {
  readonly milestoneId: string;
  readonly outcome: string;
  readonly recordedByAgencyId: string;
}

/**
 * UA-10: an outcome is credited to exactly one agency — by default the lead when it happened — and
 * every other agency working with the client is recorded as contributing.
 */
export function decideOutcome(a: Agreement, state: ClientState, milestone: OutcomeMilestone, receivingAgencyId: string | null): Decision {
  const key = `${milestone.outcome}:${milestone.milestoneId}`;
  if (state.creditedOutcomes.includes(key)) return refuse(a, 'UA-10', 'This outcome has already been credited to one agency.');
  const credited =
    a.rules.attribution === 'receiving-agency' && receivingAgencyId ? receivingAgencyId : (state.leadAgencyId ?? receivingAgencyId ?? milestone.recordedByAgencyId);
  const contributors = new Set<string>([...state.claims.map((c) => c.agencyId), ...state.referrals.filter((r) => r.status !== 'requested' && isOpen(r.status)).map((r) => r.toAgencyId), milestone.recordedByAgencyId]);
  contributors.delete(credited);
  return allow(a, [{ type: 'OutcomeCredited', milestoneId: milestone.milestoneId, outcome: milestone.outcome, creditedAgencyId: credited, contributingAgencyIds: [...contributors].sort() }], ['UA-10']);
}

function pastTense(action: ReferralAction): string {
  return { accept: 'accepted', reject: 'rejected', start: 'started', hold: 'put on hold', resume: 'resumed', complete: 'completed', fail: 'marked failed', cancel: 'cancelled', expire: 'expired', 'enter-in-error': 'marked entered-in-error' }[action];
}
