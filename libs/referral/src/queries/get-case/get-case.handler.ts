import { Injectable } from '@nestjs/common';
import { Database, Principal } from '@umbrella/platform';
import { ReferralAccess } from '../../access/referral.access-policy';
import { AgreementStore } from '../../agreement/agreement.store';
import { CaseView, caseOf } from '../../case.view';
import { loadDecisionInputs } from '../../engine/client-state';

@Injectable()
export class GetCaseHandler {
  constructor(
    private readonly database: Database,
    private readonly agreements: AgreementStore,
  ) {}

  /** Who leads the case and who holds claims: for agencies the access model lets see the client. */
  async caseFor(principal: Principal, clientId: string): Promise<CaseView> {
    return this.database.dataSource.transaction('REPEATABLE READ', async (tx) => {
      const agreement = await this.agreements.active();
      const { state } = await loadDecisionInputs(tx, clientId, [], agreement, new Date());
      ReferralAccess.onClient(principal.agencyId, state, 'see');
      return caseOf(tx, clientId);
    });
  }
}
