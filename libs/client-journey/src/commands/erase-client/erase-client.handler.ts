import { Injectable } from '@nestjs/common';
import { Actor } from '@umbrella/contracts';
import { EventPublisher, newEvent } from '@umbrella/messaging';
import { Database, hasRole, Principal } from '@umbrella/platform';
import { ClientAccess } from '../../access/client.access-policy';
import { ClientErrors } from '../../client.errors';
import { ClientRecord, findClient } from '../../client.store';
import { ConsentRow } from '../../client.view';
import { withdrawConsent } from '../withdraw-consent/withdraw-consent.handler';
import { EraseClientRequestDto } from './erase-client.request.dto';

export interface EraseClientCommand {
  readonly clientId: string;
  readonly request: EraseClientRequestDto;
  readonly principal: Principal;
  readonly actor: Actor;
  readonly correlationId?: string;
}

@Injectable()
export class EraseClientHandler {
  constructor(
    private readonly database: Database,
    private readonly publisher: EventPublisher,
  ) {}

  /**
   * Right to erasure, in one transaction: the sealed personal data and its blind index, the case
   * notes, and the answers kept for retries of the client's commands are deleted (the only places
   * anything personal was ever stored), every active consent is withdrawn (so nothing more is
   * shared or referred), and `ClientErased` is published. The pseudonymous record, its
   * derived attributes and every event stay, so reports still count the client. Idempotent.
   */
  async execute(command: EraseClientCommand): Promise<{ client: ClientRecord; changed: boolean }> {
    const result = await this.database.transaction(async (tx) => {
      // Coordinators act for the partnership and may learn whether a client exists; caseworkers may not.
      if (!hasRole(command.principal, 'coordinator')) await ClientAccess.assertMay(command.principal, command.clientId, tx, 'erase');
      const client = await findClient(tx, command.clientId, { forUpdate: true });
      if (!client) throw ClientErrors.notFound();
      if (client.erasedAt) return { client, changed: false };

      const now = new Date();
      const agencyId = command.principal.agencyId;
      await tx.query('DELETE FROM client_personal_data WHERE client_id = $1', [client.clientId]);
      await tx.query('DELETE FROM client_note WHERE client_id = $1', [client.clientId]);
      // the answers kept for retries of this client's commands, with their fingerprints (hashes of
      // what was sent: a registration's name and date of birth among them)
      await tx.query('DELETE FROM idempotency_key WHERE record_id = $1', [client.clientId]);
      await tx.query('UPDATE client SET erased_at = $2 WHERE client_id = $1', [client.clientId, now]);
      const active: ConsentRow[] = await tx.query('SELECT * FROM consent WHERE client_id = $1 AND withdrawn_at IS NULL ORDER BY given_at FOR UPDATE', [client.clientId]);
      for (const consent of active) {
        await withdrawConsent(this.publisher, tx, consent, { reason: 'client-erased', evidence: command.request.evidence, agencyId, actor: command.actor, correlationId: command.correlationId, at: now });
      }
      await this.publisher.publish(tx, [
        newEvent({
          type: 'ClientErased',
          producer: 'client-journey',
          correlationId: command.correlationId,
          actor: command.actor,
          occurredAt: now,
          data: { clientId: client.clientId, erasedAt: now.toISOString() },
        }),
      ]);
      return { client: (await findClient(tx, client.clientId)) as ClientRecord, changed: true };
    });
    return result;
  }
}
