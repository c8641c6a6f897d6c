import { Refusal, RefusalKind } from '@umbrella/contracts/vocabulary';
import { Refused } from './decide';

/**
 * What kind of no each of the engine's refusals is: not yours to act on (forbidden), a request
 * that can never be right as asked (unprocessable), or a rule of the agreement or the lifecycle
 * the client's state stands against now (conflict).
 */
export function refusalKindOf(code: Refused['code']): RefusalKind {
  switch (code) {
    case 'REFERRAL.NOT_ADDRESSED_TO_AGENCY':
      return 'forbidden';
    case 'REFERRAL.SERVICE_MISMATCH':
    case 'REFERRAL.SAME_AGENCY':
    case 'CLAIM.NO_SERVICE_IN_DOMAIN':
      return 'unprocessable';
    default:
      return 'conflict';
  }
}

/** A refused decision as the domain error a command answers with; the decision itself is on record. */
export function refusalOfDecision(decision: Refused): Refusal {
  return new Refusal(decision.code, refusalKindOf(decision.code), decision.message, { recorded: true, details: { agreementVersion: decision.agreementVersion } });
}
