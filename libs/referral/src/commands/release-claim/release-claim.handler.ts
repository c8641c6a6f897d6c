import { Injectable } from '@nestjs/common';
import { decideRelease } from '@umbrella/agreement';
import { DomainOfSupport } from '@umbrella/contracts';
import { actorOf, Principal } from '@umbrella/platform';
import { ReferralAccess } from '../../access/referral.access-policy';
import { DecisionRunner } from '../../engine/decision-runner';

@Injectable()
export class ReleaseClaimHandler {
  constructor(private readonly runner: DecisionRunner) {}

  async release(principal: Principal, clientId: string, domain: DomainOfSupport): Promise<void> {
    const agencyId = principal.agencyId as string;
    await this.runner.command(
      { clientId, command: 'release-claim', actor: actorOf(principal), agencyId, domain, agencyIds: [agencyId] },
      ({ agreement, state }) => {
        ReferralAccess.onClient(agencyId, state, 'decide');
        return decideRelease(agreement, state, agencyId, domain);
      },
      async () => undefined,
    );
  }
}
