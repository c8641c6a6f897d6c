import { HttpStatus, Injectable } from '@nestjs/common';
import { Actor, ReferralRequestedV1 } from '@umbrella/contracts';
import { appendToOutbox, Messaging, newEvent } from '@umbrella/messaging';
import { CodedHttpException, Database } from '@umbrella/platform';
import { randomUUID } from 'node:crypto';
import { Referral } from '../../referral.entity';
import { KnownAgency } from '../../read-models/known-agency.entity';
import { RequestReferralRequestDto } from './request-referral.request.dto';

export interface RequestReferralCommand extends RequestReferralRequestDto {
  readonly correlationId?: string;
  readonly actor: Actor;
}

@Injectable()
export class RequestReferralHandler {
  constructor(
    private readonly database: Database,
    private readonly messaging: Messaging,
  ) {}

  /** Stores the referral and its `ReferralRequested` event in one transaction. */
  async execute(command: RequestReferralCommand): Promise<Referral> {
    if (command.fromAgencyId === command.toAgencyId) {
      throw new CodedHttpException(HttpStatus.UNPROCESSABLE_ENTITY, 'REFERRAL.SAME_AGENCY', 'An agency cannot refer a client to itself.');
    }
    const referral = await this.database.dataSource.transaction(async (tx) => {
      const known = await tx.findBy(KnownAgency, [{ agencyId: command.fromAgencyId }, { agencyId: command.toAgencyId }]);
      for (const agencyId of [command.fromAgencyId, command.toAgencyId]) {
        if (!known.some((a) => a.agencyId === agencyId)) {
          throw new CodedHttpException(
            HttpStatus.UNPROCESSABLE_ENTITY,
            'REFERRAL.UNKNOWN_AGENCY',
            `Agency ${agencyId} is not in the partnership directory.`,
          );
        }
      }
      const row = tx.create(Referral, {
        id: randomUUID(),
        clientId: command.clientId,
        fromAgencyId: command.fromAgencyId,
        toAgencyId: command.toAgencyId,
        domain: command.domain,
        serviceId: command.serviceId ?? null,
        status: 'requested',
        requestedAt: new Date(),
      });
      await tx.insert(Referral, row);
      await appendToOutbox(tx, [
        newEvent<ReferralRequestedV1>({
          type: 'ReferralRequested',
          schemaVersion: 1,
          producer: 'referral',
          correlationId: command.correlationId,
          actor: command.actor,
          data: {
            referralId: row.id,
            clientId: row.clientId,
            fromAgencyId: row.fromAgencyId,
            toAgencyId: row.toAgencyId,
            domain: command.domain,
            ...(row.serviceId ? { serviceId: row.serviceId } : {}),
            requestedAt: row.requestedAt.toISOString(),
          },
        }),
      ]);
      return row;
    });
    this.messaging.afterCommit();
    return referral;
  }
}
