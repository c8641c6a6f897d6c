import { HttpStatus, Injectable } from '@nestjs/common';
import { Actor, DomainOfSupport, Milestone } from '@umbrella/contracts';
import { EventPublisher, newEvent } from '@umbrella/messaging';
import { CodedHttpException, Database, Principal } from '@umbrella/platform';
import { randomUUID } from 'node:crypto';
import { ClientErrors } from '../../client.errors';
import { loadClientForCommand, readPersonalData } from '../../client.store';
import { derivedAge } from '../../domain/client-attributes';
import { decideMilestone, RecordedMilestone } from '../../domain/milestone.decider';
import { PersonalDataProtector } from '../../personal-data/personal-data.protector';
import { RecordMilestoneRequestDto } from './record-milestone.request.dto';

export interface RecordMilestoneCommand {
  readonly clientId: string;
  readonly request: RecordMilestoneRequestDto;
  readonly principal: Principal;
  readonly agencyId: string;
  readonly actor: Actor;
  readonly correlationId?: string;
}

export interface MilestoneRow {
  milestone_id: string;
  client_id: string;
  milestone: Milestone;
  domain: DomainOfSupport | null;
  occurred_on: string;
  recorded_by_agency_id: string;
  recorded_by: string;
  lead_agency_id: string;
  recorded_at: Date;
}

@Injectable()
export class RecordMilestoneHandler {
  constructor(
    private readonly database: Database,
    private readonly publisher: EventPublisher,
    private readonly protector: PersonalDataProtector,
  ) {}

  /**
   * Decides the milestone against the client's milestones so far (under a lock on the client) and
   * stores it with `MilestoneRecorded`: credited to the lead agency at the time (UA-10), with the
   * client's age band on that day. The same milestone on the same day again is a no-op.
   */
  async execute(command: RecordMilestoneCommand): Promise<{ milestone: MilestoneRow; created: boolean }> {
    const { request } = command;
    const result = await this.database.transaction(async (tx) => {
      const client = await loadClientForCommand(tx, command.principal, command.clientId, 'record-milestone');
      const personal = await readPersonalData(tx, this.protector, client.clientId);
      if (!personal) throw ClientErrors.erased();
      const rows: MilestoneRow[] = await tx.query(
        `SELECT milestone_id, client_id, milestone, domain, to_char(occurred_on, 'YYYY-MM-DD') AS occurred_on, recorded_by_agency_id, recorded_by, lead_agency_id, recorded_at
           FROM milestone WHERE client_id = $1 ORDER BY occurred_on, recorded_at`,
        [client.clientId],
      );
      const history: RecordedMilestone[] = rows.map((r) => ({ milestoneId: r.milestone_id, milestone: r.milestone, domain: r.domain, occurredOn: r.occurred_on }));
      const toRecord = { milestone: request.milestone, domain: request.domain ?? null, occurredOn: request.occurredOn };
      const decision = decideMilestone({ dateOfBirth: personal.dateOfBirth, history }, toRecord);
      if (decision.kind === 'duplicate') return { milestone: rows.find((r) => r.milestone_id === decision.existing.milestoneId) as MilestoneRow, created: false };
      if (decision.kind === 'refuse') {
        const status = decision.code === 'MILESTONE.ALREADY_CREDITED' ? HttpStatus.CONFLICT : HttpStatus.UNPROCESSABLE_ENTITY;
        throw new CodedHttpException(status, decision.code, decision.message);
      }

      const now = new Date();
      const milestoneId = randomUUID();
      const age = derivedAge(personal.dateOfBirth, request.occurredOn);
      const inserted: MilestoneRow[] = await tx.query(
        `INSERT INTO milestone (milestone_id, client_id, milestone, domain, occurred_on, recorded_by_agency_id, recorded_by, lead_agency_id, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         RETURNING milestone_id, client_id, milestone, domain, to_char(occurred_on, 'YYYY-MM-DD') AS occurred_on, recorded_by_agency_id, recorded_by, lead_agency_id, recorded_at`,
        [milestoneId, client.clientId, request.milestone, request.domain ?? null, request.occurredOn, command.agencyId, command.actor.userId, client.leadAgencyId, now],
      );
      await this.publisher.publish(tx, [
        newEvent({
          type: 'MilestoneRecorded',
          producer: 'client-journey',
          correlationId: command.correlationId,
          actor: command.actor,
          occurredAt: now,
          data: {
            clientId: client.clientId,
            milestoneId,
            milestone: request.milestone,
            ...(request.domain ? { domain: request.domain } : {}),
            occurredOn: request.occurredOn,
            recordedByAgencyId: command.agencyId,
            leadAgencyId: client.leadAgencyId,
            ageBand: age.ageBand,
            under25: age.under25,
            recordedAt: now.toISOString(),
          },
        }),
      ]);
      return { milestone: inserted[0], created: true };
    });
    return result;
  }
}
