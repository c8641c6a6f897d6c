import { Injectable } from '@nestjs/common';
import { decideOutcome } from '@umbrella/agreement';
import { EventOf } from '@umbrella/contracts';
import { EntityManager } from 'typeorm';
import { DecisionRunner } from '../../engine/decision-runner';

/** The milestones that are outcomes of the partnership's work, credited to one agency (UA-10). */
const OUTCOMES: readonly string[] = ['training-started', 'job-entry', 'sustained-employment-13-weeks', 'sustained-employment-26-weeks'];

/** UA-10: an outcome is credited to exactly one agency, with the agencies that contributed. */
@Injectable()
export class CreditOutcomeHandler {
  constructor(private readonly runner: DecisionRunner) {}

  async execute(event: EventOf<'MilestoneRecorded'>, tx: EntityManager): Promise<void> {
    const m = event.data;
    if (!OUTCOMES.includes(m.milestone)) return;
    await this.runner.run(
      { clientId: m.clientId, command: 'credit-outcome', actor: null, agencyId: m.recordedByAgencyId, domain: m.domain, causationId: event.eventId, agencyIds: [m.recordedByAgencyId] },
      ({ agreement, state }) => decideOutcome(agreement, state, { milestoneId: m.milestoneId, outcome: m.milestone, recordedByAgencyId: m.recordedByAgencyId }, m.recordedByAgencyId),
      tx,
    );
  }
}
