import { HttpStatus, Injectable } from '@nestjs/common';
import { decideStep, ReferralAction } from '@umbrella/agreement';
import { actorOf, CodedHttpException, Database, Principal } from '@umbrella/platform';
import { ReferralAccess } from '../../access/referral.access-policy';
import { referralOrGone } from '../../engine/decision-context';
import { DecisionRunner } from '../../engine/decision-runner';
import { Referral } from '../../referral.entity';
import { TransitionRequestDto } from './transition-referral.request.dto';

@Injectable()
export class TransitionReferralHandler {
  constructor(
    private readonly database: Database,
    private readonly runner: DecisionRunner,
  ) {}

  async execute(id: string, action: ReferralAction, body: TransitionRequestDto, principal: Principal | null, correlationId?: string): Promise<Referral> {
    const repo = this.database.dataSource.getRepository(Referral);
    const current = await repo.findOneBy({ id });
    if (principal) ReferralAccess.view(principal, current);
    if (!current) throw new CodedHttpException(HttpStatus.NOT_FOUND, 'REFERRAL.NOT_FOUND', 'No such referral.');
    return this.runner.command(
      {
        clientId: current.clientId,
        command: action,
        actor: principal ? actorOf(principal) : null,
        agencyId: principal?.agencyId ?? null,
        referralId: id,
        domain: current.domain as never,
        correlationId,
        agencyIds: [current.fromAgencyId, current.toAgencyId],
      },
      // the referral is read under the client's lock: the decision sees its latest status
      ({ agreement, state, directory, now, referral }) => decideStep(agreement, state, directory, { referral: referralOrGone(referral), action, byAgencyId: principal?.agencyId ?? null, reason: body.reason ?? null }, now),
      (tx) => tx.getRepository(Referral).findOneByOrFail({ id }),
    );
  }
}
