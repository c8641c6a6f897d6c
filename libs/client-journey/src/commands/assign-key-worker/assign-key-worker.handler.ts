import { HttpStatus, Injectable } from '@nestjs/common';
import { Actor, KeyWorkerAssignedV1 } from '@umbrella/contracts';
import { appendToOutbox, Messaging, newEvent } from '@umbrella/messaging';
import { CodedHttpException, Database, Principal } from '@umbrella/platform';
import { randomUUID } from 'node:crypto';
import { applyAccessEffect } from '../../access/access-grants';
import { ClientAccess } from '../../access/client.access-policy';
import { ClientErrors } from '../../client.errors';
import { ClientRecord, findClient, loadClientForCommand } from '../../client.store';
import { AssignKeyWorkerRequestDto } from './assign-key-worker.request.dto';

export interface AssignKeyWorkerCommand {
  readonly clientId: string;
  readonly request: AssignKeyWorkerRequestDto;
  readonly principal: Principal;
  readonly actor: Actor;
  readonly correlationId?: string;
}

@Injectable()
export class AssignKeyWorkerHandler {
  constructor(
    private readonly database: Database,
    private readonly messaging: Messaging,
  ) {}

  /**
   * Names the client's key worker, and with them the lead agency (UA-3: one lead, the key worker's
   * agency). Only the lead agency reassigns, so the case moves by handover, never by taking it.
   * Assigning the current key worker again changes nothing.
   */
  async execute(command: AssignKeyWorkerCommand): Promise<{ client: ClientRecord; changed: boolean }> {
    const result = await this.database.transaction(async (tx) => {
      const client = await loadClientForCommand(tx, command.principal, command.clientId);
      ClientAccess.manageAsLead(command.principal, client);
      const leadAgencyId = command.request.leadAgencyId ?? client.leadAgencyId;
      const handover = leadAgencyId !== client.leadAgencyId;
      if (handover && !command.request.keyWorkerId) {
        throw new CodedHttpException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'The request is invalid; see errors for each bad field.', [
          'keyWorkerId: name the key worker at the agency taking over the lead',
        ]);
      }
      const keyWorkerId = command.request.keyWorkerId ?? command.actor.userId;
      if (!handover && keyWorkerId === client.keyWorkerId) return { client, changed: false };
      if (handover && !(await ClientAccess.isVisibleTo(leadAgencyId, client.clientId, tx))) throw ClientErrors.leadNotVisible(leadAgencyId);

      const now = new Date();
      const assignmentId = randomUUID();
      await tx.query('UPDATE key_worker_assignment SET ended_at = $2 WHERE assignment_id = $1', [client.keyWorkerAssignmentId, now]);
      await tx.query(
        'INSERT INTO key_worker_assignment (assignment_id, client_id, lead_agency_id, key_worker_id, assigned_at, assigned_by) VALUES ($1, $2, $3, $4, $5, $6)',
        [assignmentId, client.clientId, leadAgencyId, keyWorkerId, now, command.actor.userId],
      );
      await tx.query(
        'UPDATE client SET lead_agency_id = $2, key_worker_id = $3, key_worker_assignment_id = $4, key_worker_since = $5 WHERE client_id = $1',
        [client.clientId, leadAgencyId, keyWorkerId, assignmentId, now],
      );
      const event = newEvent<KeyWorkerAssignedV1>({
        type: 'KeyWorkerAssigned',
        schemaVersion: 1,
        producer: 'client-journey',
        correlationId: command.correlationId,
        actor: command.actor,
        occurredAt: now,
        data: {
          clientId: client.clientId,
          assignmentId,
          leadAgencyId,
          keyWorkerId,
          previousAssignmentId: client.keyWorkerAssignmentId,
          previousLeadAgencyId: client.leadAgencyId,
          assignedAt: now.toISOString(),
        },
      });
      await applyAccessEffect(tx, event);
      await appendToOutbox(tx, [event]);
      return { client: (await findClient(tx, client.clientId)) as ClientRecord, changed: true };
    });
    if (result.changed) this.messaging.afterCommit();
    return result;
  }
}
