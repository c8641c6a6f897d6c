import { DomainOfSupport, ReferralReason } from '@umbrella/contracts/vocabulary';
import { Agreement } from '../agreement';
import {
  ClientState,
  decideClaim,
  decideClaimsAfterWithdrawal,
  decideOutcome,
  decideRelease,
  decideRequest,
  decideStep,
  Decision,
  DirectoryView,
  EngineEvent,
  OutcomeMilestone,
  ReferralFacts,
  RequestReferral,
  Refused,
} from '../decide';
import { ReferralAction } from '../lifecycle';
import { RuleId } from '../rules';
import { agreementV1, client, directory, NOW } from './fixtures';

/*
 * Given a client's state, when a command is decided, then these events — or this refusal, or no
 * decision at all. The engine's specs read as the agreement's rules do (emmett's
 * DeciderSpecification, without an event store: the state is given as the engine reads it).
 */

/** What a decision is taken under besides the client's state. */
export interface World {
  readonly agreement: Agreement;
  readonly directory: DirectoryView;
  readonly now: Date;
}

/** A command as the engine decides it. */
export interface Command {
  readonly decide: (state: ClientState, world: World) => Decision | null;
}

export function requestReferral(cmd: Partial<RequestReferral> = {}): Command {
  const full: RequestReferral = { referralId: 'r-new', clientId: 'c-1', fromAgencyId: 'a', toAgencyId: 'b', domain: 'health', handsOverLead: false, service: null, ...cmd };
  return { decide: (state, w) => decideRequest(w.agreement, state, w.directory, full, w.now) };
}

/** A lifecycle step by an agency, or by the platform when `by` is null. */
export function step(referral: ReferralFacts, action: ReferralAction, by: string | null, reason: ReferralReason | null = null): Command {
  return { decide: (state, w) => decideStep(w.agreement, state, w.directory, { referral, action, byAgencyId: by, reason }, w.now) };
}

export function claim(agencyId: string, domain: DomainOfSupport): Command {
  return { decide: (state, w) => decideClaim(w.agreement, state, w.directory, agencyId, domain) };
}

export function release(agencyId: string, domain: DomainOfSupport): Command {
  return { decide: (state, w) => decideRelease(w.agreement, state, agencyId, domain) };
}

export function creditOutcome(milestone: OutcomeMilestone, receivingAgencyId: string | null = null): Command {
  return { decide: (state, w) => decideOutcome(w.agreement, state, milestone, receivingAgencyId) };
}

/** The client withdrew a consent: the state given is the one after the withdrawal. */
export function releaseUncoveredClaims(): Command {
  return { decide: (state, w) => decideClaimsAfterWithdrawal(w.agreement, state, w.directory) };
}

/** A refusal expected of a decision: its code, and its sentence when the spec cares about it. */
export interface ExpectedRefusal {
  readonly refused: Refused['code'];
  readonly message?: string | RegExp;
}

export const refused = (code: Refused['code'], message?: string | RegExp): ExpectedRefusal => ({ refused: code, ...(message !== undefined ? { message } : {}) });

/**
 * Given the client's state (the fixtures' client — lead `a`, consent for referral to a, b, c
 * and d — with these changes), under version 1 of the agreement, a directory where a, b, c and
 * d have signed and serve every domain, on Tuesday 24 November 2026 unless the world says otherwise.
 */
export function given(state: Partial<ClientState> = {}, world: Partial<World> = {}) {
  const w: World = { agreement: agreementV1(), directory: directory(), now: NOW, ...world };
  const s = client(state);
  return {
    when(command: Command) {
      const decision = command.decide(s, w);
      return {
        decision,
        /**
         * Then exactly these events (and, when given, exactly these rules checked), this
         * refusal, or no decision at all (null).
         */
        then(expected: readonly EngineEvent[] | ExpectedRefusal | null, options: { readonly checked?: readonly RuleId[] } = {}): void {
          if (expected === null) {
            expect(decision).toBeNull();
          } else if ('refused' in expected) {
            const message = expected.message instanceof RegExp ? expect.stringMatching(expected.message) : (expected.message ?? expect.any(String));
            expect(decision).toEqual({ outcome: 'refused', code: expected.refused, message, agreementVersion: w.agreement.version });
          } else {
            expect(decision).toEqual({ outcome: 'allowed', events: [...expected], checked: options.checked ? [...options.checked] : expect.any(Array), agreementVersion: w.agreement.version });
          }
        },
      };
    },
  };
}
