import { Injectable } from '@nestjs/common';
import { decideRequest } from '@umbrella/agreement';
import { Actor, Refusal } from '@umbrella/contracts';
import { randomUUID } from 'node:crypto';
import { ReferralAccess } from '../../access/referral.access-policy';
import { DecisionRunner } from '../../engine/decision-runner';
import { Referral } from '../../referral.entity';
import { RequestReferralRequestDto } from './request-referral.request.dto';

export interface RequestReferralCommand extends RequestReferralRequestDto {
  readonly correlationId?: string;
  readonly actor: Actor;
}

@Injectable()
export class RequestReferralHandler {
  constructor(private readonly runner: DecisionRunner) {}

  /**
   * Asks the agreement engine; stores the referral and its events in one transaction when it
   * allows, and answers with the referral as that transaction wrote it.
   */
  async execute(command: RequestReferralCommand): Promise<Referral> {
    const referralId = randomUUID();
    return this.runner.command(
      {
        clientId: command.clientId,
        command: 'request-referral',
        actor: command.actor,
        agencyId: command.fromAgencyId,
        referralId,
        domain: command.domain,
        ...(command.serviceId ? { serviceId: command.serviceId } : {}),
        correlationId: command.correlationId,
        agencyIds: [command.fromAgencyId, command.toAgencyId],
      },
      ({ agreement, state, directory, now, service }) => {
        // only the lead or a claim holder refers; an outsider learns nothing, not even that the client exists
        ReferralAccess.onClient(command.fromAgencyId, state, 'refer');
        for (const agencyId of [command.fromAgencyId, command.toAgencyId]) {
          if (!directory.known(agencyId)) throw new Refusal('REFERRAL.UNKNOWN_AGENCY', 'unprocessable', `Agency ${agencyId} is not in the partnership directory.`);
        }
        if (command.serviceId && !service) throw new Refusal('REFERRAL.UNKNOWN_SERVICE', 'unprocessable', `Service ${command.serviceId} is not in the partnership directory.`);
        return decideRequest(agreement, state, directory, { referralId, clientId: command.clientId, fromAgencyId: command.fromAgencyId, toAgencyId: command.toAgencyId, domain: command.domain, handsOverLead: command.handsOverLead ?? false, service }, now);
      },
      (tx) => tx.getRepository(Referral).findOneByOrFail({ id: referralId }),
    );
  }
}
