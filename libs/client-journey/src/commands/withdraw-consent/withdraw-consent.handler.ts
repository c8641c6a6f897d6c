import { Injectable } from '@nestjs/common';
import { Actor, ConsentEvidence, ConsentWithdrawalReason, ConsentWithdrawnV1, DomainOfSupport } from '@umbrella/contracts';
import { EventPublisher, newEvent } from '@umbrella/messaging';
import { Database, Principal } from '@umbrella/platform';
import { EntityManager } from 'typeorm';
import { applyAccessEffect } from '../../access/access-grants';
import { ClientErrors } from '../../client.errors';
import { ClientAccess } from '../../access/client.access-policy';
import { lockClient } from '../../client.store';
import { ConsentRow } from '../../client.view';
import { WithdrawConsentRequestDto } from './withdraw-consent.request.dto';

export interface WithdrawConsentCommand {
  readonly clientId: string;
  readonly consentId: string;
  readonly request: WithdrawConsentRequestDto;
  readonly principal: Principal;
  readonly agencyId: string;
  readonly actor: Actor;
  readonly correlationId?: string;
}

@Injectable()
export class WithdrawConsentHandler {
  constructor(
    private readonly database: Database,
    private readonly publisher: EventPublisher,
  ) {}

  /**
   * Ends a consent at once, recorded by the lead or a claim holder, or by the agency the consent
   * names: the agency it named loses access in the same transaction, and
   * `ConsentWithdrawn` tells the referral service to cancel what it no longer covers (UA-2).
   * Withdrawing an already withdrawn consent changes nothing.
   */
  async execute(command: WithdrawConsentCommand): Promise<{ consent: ConsentRow; changed: boolean }> {
    const result = await this.database.transaction(async (tx) => {
      // an agency that may not follow the client learns nothing, not even whether the consent exists
      const involvement = await ClientAccess.involvement(command.principal, command.clientId, tx);
      ClientAccess.decide(involvement, 'see-journey');
      await lockClient(tx, command.clientId);
      const rows: ConsentRow[] = await tx.query('SELECT * FROM consent WHERE consent_id = $1 AND client_id = $2 FOR UPDATE', [command.consentId, command.clientId]);
      const consent = rows[0];
      if (!consent) throw ClientErrors.consentNotFound();
      // the lead or a claim holder records any withdrawal; the agency a consent names, its own
      if (consent.agency_id !== command.principal.agencyId) ClientAccess.decide(involvement, 'withdraw-consent');
      if (consent.withdrawn_at) return { consent, changed: false };
      const withdrawn = await withdrawConsent(this.publisher, tx, consent, {
        reason: 'client-request',
        evidence: command.request.evidence,
        agencyId: command.agencyId,
        actor: command.actor,
        correlationId: command.correlationId,
        at: new Date(),
      });
      return { consent: withdrawn, changed: true };
    });
    return result;
  }
}

/** Withdraws one active consent inside the caller's transaction: row, access effect and event. Shared with erasure. */
export async function withdrawConsent(
  publisher: EventPublisher,
  tx: EntityManager,
  consent: ConsentRow,
  how: { reason: ConsentWithdrawalReason; evidence: ConsentEvidence; agencyId: string | null; actor: Actor; correlationId?: string; at: Date },
): Promise<ConsentRow> {
  await tx.query(
    `UPDATE consent SET withdrawn_at = $2, withdrawal_reason = $3, withdrawal_evidence = $4, withdrawn_by_agency_id = $5, withdrawn_by = $6 WHERE consent_id = $1`,
    [consent.consent_id, how.at, how.reason, how.evidence, how.agencyId, how.actor.userId],
  );
  // read back rather than RETURNING: TypeORM answers an UPDATE with [rows, count], not rows
  const updated: ConsentRow[] = await tx.query('SELECT * FROM consent WHERE consent_id = $1', [consent.consent_id]);
  const event = newEvent({
    type: 'ConsentWithdrawn',
    producer: 'client-journey',
    correlationId: how.correlationId,
    actor: how.actor,
    occurredAt: how.at,
    data: {
      clientId: consent.client_id,
      consentId: consent.consent_id,
      ...(consent.agency_id ? { agencyId: consent.agency_id } : { domain: consent.domain as DomainOfSupport }),
      purpose: consent.purpose as ConsentWithdrawnV1['purpose'],
      reason: how.reason,
      evidence: how.evidence,
      ...(how.agencyId ? { recordedByAgencyId: how.agencyId } : {}),
      withdrawnAt: how.at.toISOString(),
    },
  });
  await applyAccessEffect(tx, event);
  await publisher.publish(tx, [event]);
  return updated[0];
}
