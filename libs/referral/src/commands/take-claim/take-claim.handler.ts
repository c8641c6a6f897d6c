import { Injectable } from '@nestjs/common';
import { decideClaim } from '@umbrella/agreement';
import { DomainOfSupport } from '@umbrella/contracts';
import { actorOf, Principal } from '@umbrella/platform';
import { ReferralAccess } from '../../access/referral.access-policy';
import { CaseView, caseOf } from '../../case.view';
import { DecisionRunner } from '../../engine/decision-runner';

/** A walk-in: the agency takes on the client in a domain without a referral. */
@Injectable()
export class TakeClaimHandler {
  constructor(private readonly runner: DecisionRunner) {}

  async claim(principal: Principal, clientId: string, domain: DomainOfSupport): Promise<CaseView> {
    const agencyId = principal.agencyId as string;
    return this.runner.command(
      { clientId, command: 'claim', actor: actorOf(principal), agencyId, domain, agencyIds: [agencyId] },
      ({ agreement, state, directory }) => {
        ReferralAccess.onClient(agencyId, state, 'decide');
        return decideClaim(agreement, state, directory, agencyId, domain);
      },
      (tx) => caseOf(tx, clientId),
    );
  }
}
