import { Refusal } from '@umbrella/contracts/vocabulary';
import { REFUSAL_CODES, Refused } from './decide';
import { refusalKindOf, refusalOfDecision } from './refusals';
import { RULE_IDS } from './rules';

describe('what kind of no each refusal is', () => {
  it('knows every code a decision can be refused with: each rule, and the lifecycle’s own', () => {
    expect(Object.fromEntries(REFUSAL_CODES.map((code) => [code, refusalKindOf(code)]))).toEqual({
      'UA-1': 'conflict',
      'UA-2': 'conflict',
      'UA-3': 'conflict',
      'UA-4': 'conflict',
      'UA-5': 'conflict',
      'UA-6': 'conflict',
      'UA-7': 'conflict',
      'UA-8': 'conflict',
      'UA-9': 'conflict',
      'UA-10': 'conflict',
      // not the agency's referral to act on
      'REFERRAL.NOT_ADDRESSED_TO_AGENCY': 'forbidden',
      // asked wrongly: no state of the client would make it right
      'REFERRAL.SERVICE_MISMATCH': 'unprocessable',
      'REFERRAL.SAME_AGENCY': 'unprocessable',
      'CLAIM.NO_SERVICE_IN_DOMAIN': 'unprocessable',
      'REFERRAL.ILLEGAL_TRANSITION': 'conflict',
      'CLAIM.NOT_HELD': 'conflict',
    });
    expect(REFUSAL_CODES).toEqual(expect.arrayContaining(RULE_IDS));
    expect(new Set(REFUSAL_CODES).size).toBe(REFUSAL_CODES.length);
  });

  it('answers a refused decision as a recorded refusal of its kind, with the agreement version it was decided under', () => {
    const decision: Refused = { outcome: 'refused', code: 'REFERRAL.SAME_AGENCY', message: 'An agency cannot refer a client to itself.', agreementVersion: '3' };
    const refusal = refusalOfDecision(decision);
    expect(refusal).toBeInstanceOf(Refusal);
    expect({ code: refusal.code, kind: refusal.kind, message: refusal.message, recorded: refusal.recorded, details: refusal.options.details }).toEqual({
      code: 'REFERRAL.SAME_AGENCY',
      kind: 'unprocessable',
      message: 'An agency cannot refer a client to itself.',
      recorded: true,
      details: { agreementVersion: '3' },
    });
  });
});
