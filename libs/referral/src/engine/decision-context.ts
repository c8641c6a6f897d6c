import { Agreement, ClientState, Decision, ReferralFacts, ServiceFacts } from '@umbrella/agreement';
import { Actor, DomainOfSupport, Refusal } from '@umbrella/contracts';
import { DecisionDirectory } from './client-state';

/** Who asks what of the agreement engine, about which client; what the decision's record and events carry. */
export interface DecisionContext {
  readonly clientId: string;
  /** What was asked, e.g. `request-referral`, `accept`, `claim`. */
  readonly command: string;
  readonly actor: Actor | null;
  readonly agencyId: string | null;
  /** The referral the decision is about: loaded under the client's lock. */
  readonly referralId?: string;
  /** The service a referral asks for: loaded under the client's lock. */
  readonly serviceId?: string;
  readonly domain?: DomainOfSupport;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** Agencies whose signatures and names the decision needs. */
  readonly agencyIds: readonly string[];
}

/** Everything a decision reads, loaded under the client's lock before it decides. */
export interface DecisionInputs {
  readonly agreement: Agreement;
  readonly state: ClientState;
  readonly directory: DecisionDirectory;
  readonly now: Date;
  /** The context's referral as it stands now; null when there is none (a new request). */
  readonly referral: ReferralFacts | null;
  /** The context's service; null when none was named or the directory does not know it. */
  readonly service: ServiceFacts | null;
}

/** A pure decision: inputs in, a decision out (or a thrown domain refusal). No transaction, no I/O. */
export type Decide = (inputs: DecisionInputs) => Decision;
/** A decision a consumer may find it need not take (null): nothing is recorded then. */
export type MaybeDecide = (inputs: DecisionInputs) => Decision | null;

/** The referral a decision is about; referrals are never deleted, so only a wrong id finds none. */
export function referralOrGone(referral: ReferralFacts | null): ReferralFacts {
  if (!referral) throw new Refusal('REFERRAL.NOT_FOUND', 'not-found', 'No such referral.');
  return referral;
}
