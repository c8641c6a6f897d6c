import { Injectable } from '@nestjs/common';
import { Actor } from '@umbrella/contracts';
import { EventPublisher, newEvent } from '@umbrella/messaging';
import { Database, Principal } from '@umbrella/platform';
import { randomUUID } from 'node:crypto';
import { applyAccessEffect } from '../../access/access-grants';
import { ClientErrors } from '../../client.errors';
import { loadClientForCommand } from '../../client.store';
import { ConsentRow } from '../../client.view';
import { GiveConsentRequestDto } from './give-consent.request.dto';

export interface GiveConsentCommand {
  readonly clientId: string;
  readonly request: GiveConsentRequestDto;
  readonly principal: Principal;
  readonly agencyId: string;
  readonly actor: Actor;
  readonly correlationId?: string;
}

@Injectable()
export class GiveConsentHandler {
  constructor(
    private readonly database: Database,
    private readonly publisher: EventPublisher,
  ) {}

  /**
   * Records the consent, its access effect (an agency consent shows the client to that agency at
   * once) and `ConsentGiven` in one transaction. The same consent given again while active is
   * the existing one: `created` is false and nothing is published.
   */
  async execute(command: GiveConsentCommand): Promise<{ consent: ConsentRow; created: boolean }> {
    const { request } = command;
    const result = await this.database.transaction(async (tx) => {
      await loadClientForCommand(tx, command.principal, command.clientId, 'record-consent');
      if (request.agencyId) {
        const known: unknown[] = await tx.query('SELECT 1 FROM known_agency WHERE agency_id = $1', [request.agencyId]);
        if (known.length === 0) throw ClientErrors.unknownAgency(request.agencyId);
      }
      const consentId = randomUUID();
      const now = new Date();
      const inserted: ConsentRow[] = await tx.query(
        `INSERT INTO consent (consent_id, client_id, agency_id, domain, purpose, evidence, given_at, recorded_by_agency_id, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (client_id, COALESCE(agency_id, ''), COALESCE(domain, ''), purpose) WHERE withdrawn_at IS NULL DO NOTHING
         RETURNING *`,
        [consentId, command.clientId, request.agencyId ?? null, request.domain ?? null, request.purpose, request.evidence, now, command.agencyId, command.actor.userId],
      );
      if (inserted.length === 0) {
        const existing: ConsentRow[] = await tx.query(
          `SELECT * FROM consent WHERE client_id = $1 AND agency_id IS NOT DISTINCT FROM $2 AND domain IS NOT DISTINCT FROM $3 AND purpose = $4 AND withdrawn_at IS NULL`,
          [command.clientId, request.agencyId ?? null, request.domain ?? null, request.purpose],
        );
        return { consent: existing[0], created: false };
      }
      const event = newEvent({
        type: 'ConsentGiven',
        producer: 'client-journey',
        correlationId: command.correlationId,
        actor: command.actor,
        occurredAt: now,
        data: {
          clientId: command.clientId,
          consentId,
          ...(request.agencyId ? { agencyId: request.agencyId } : { domain: request.domain }),
          purpose: request.purpose,
          evidence: request.evidence,
          recordedByAgencyId: command.agencyId,
          givenAt: now.toISOString(),
        },
      });
      await applyAccessEffect(tx, event);
      await this.publisher.publish(tx, [event]);
      return { consent: inserted[0], created: true };
    });
    return result;
  }
}
