import { Injectable } from '@nestjs/common';
import { Actor } from '@umbrella/contracts';
import { EventPublisher, newEvent } from '@umbrella/messaging';
import { Database, Principal } from '@umbrella/platform';
import { randomUUID } from 'node:crypto';
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
    private readonly publisher: EventPublisher,
  ) {}

   /**
   * Names the client's key worker, a caseworker of the lead agency (UA-3: the lead is the key
   * worker's agency). Only the lead agency assigns; the lead itself moves only by a handover
   * referral, which the referral service decides and this service follows (LeadHandedOver).
   * Assigning the current key worker again changes nothing.
   */
  async execute(command: AssignKeyWorkerCommand): Promise<{ client: ClientRecord; changed: boolean }> {
    const result = await this.database.transaction(async (tx) => {
      const client = await loadClientForCommand(tx, command.principal, command.clientId, 'manage-case');
      const leadAgencyId = client.leadAgencyId;
      // the lead moves to another agency only by a handover referral the agency accepts (UA-3, UA-9)
      if (command.request.leadAgencyId && command.request.leadAgencyId !== leadAgencyId) throw ClientErrors.leadMovesByReferral();
      // a caseworker takes the client on as key worker themselves: the id is the identity provider's, never typed in
      if (command.request.keyWorkerId && command.request.keyWorkerId !== command.actor.userId) throw ClientErrors.keyWorkerNotYou();
      const keyWorkerId = command.actor.userId;
      if (keyWorkerId === client.keyWorkerId) return { client, changed: false };

      const now = new Date();
      const assignmentId = randomUUID();
      if (client.keyWorkerAssignmentId) await tx.query('UPDATE key_worker_assignment SET ended_at = $2 WHERE assignment_id = $1', [client.keyWorkerAssignmentId, now]);
      await tx.query(
        'INSERT INTO key_worker_assignment (assignment_id, client_id, lead_agency_id, key_worker_id, assigned_at, assigned_by) VALUES ($1, $2, $3, $4, $5, $6)',
        [assignmentId, client.clientId, leadAgencyId, keyWorkerId, now, command.actor.userId],
      );
      await tx.query(
        'UPDATE client SET lead_agency_id = $2, key_worker_id = $3, key_worker_assignment_id = $4, key_worker_since = $5 WHERE client_id = $1',
        [client.clientId, leadAgencyId, keyWorkerId, assignmentId, now],
      );
      const event = newEvent({
        type: 'KeyWorkerAssigned',
        producer: 'client-journey',
        correlationId: command.correlationId,
        actor: command.actor,
        occurredAt: now,
        data: {
          clientId: client.clientId,
          assignmentId,
          leadAgencyId,
          keyWorkerId,
          ...(client.keyWorkerAssignmentId ? { previousAssignmentId: client.keyWorkerAssignmentId, previousLeadAgencyId: leadAgencyId } : {}),
          assignedAt: now.toISOString(),
        },
      });
      await this.publisher.publish(tx, [event]);
      return { client: (await findClient(tx, client.clientId)) as ClientRecord, changed: true };
    });
    return result;
  }
}
