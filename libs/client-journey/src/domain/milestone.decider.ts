import { addCalendarDays } from '@umbrella/agreement';
import { BARRIER_MILESTONES, DomainOfSupport, Milestone } from '@umbrella/contracts/vocabulary';

/*
 * Whether a milestone may be recorded, decided from the client's milestones so far. Pure: the
 * handler loads the history under a lock on the client and passes it in, so two caseworkers
 * recording at once are decided one after the other.
 */

export interface RecordedMilestone {
  readonly milestoneId: string;
  readonly milestone: Milestone;
  readonly domain: DomainOfSupport | null;
  readonly occurredOn: string;
}

export interface MilestoneToRecord {
  readonly milestone: Milestone;
  readonly domain: DomainOfSupport | null;
  readonly occurredOn: string;
}

export type MilestoneRefusalCode =
  | 'MILESTONE.BEFORE_BIRTH'
  | 'MILESTONE.NO_OPEN_BARRIER'
  | 'MILESTONE.NO_TRAINING_STARTED'
  | 'MILESTONE.NO_JOB_ENTRY'
  | 'MILESTONE.TOO_EARLY'
  | 'MILESTONE.ALREADY_CREDITED';

export type MilestoneDecision =
  | { readonly kind: 'record' }
  /** The same milestone on the same day is already there: recording it again is a no-op. */
  | { readonly kind: 'duplicate'; readonly existing: RecordedMilestone }
  | { readonly kind: 'refuse'; readonly code: MilestoneRefusalCode; readonly message: string; readonly existing?: RecordedMilestone };

const SUSTAINED_WEEKS: Partial<Record<Milestone, number>> = {
  'sustained-employment-13-weeks': 13,
  'sustained-employment-26-weeks': 26,
};

export function decideMilestone(state: { dateOfBirth: string; history: readonly RecordedMilestone[] }, command: MilestoneToRecord): MilestoneDecision {
  const { history } = state;
  const { milestone, domain, occurredOn } = command;
  if (occurredOn < state.dateOfBirth) {
    return refuse('MILESTONE.BEFORE_BIRTH', 'A milestone cannot happen before the client was born.');
  }
  const existing = history.find((m) => m.milestone === milestone && m.domain === domain && m.occurredOn === occurredOn);
  if (existing) return { kind: 'duplicate', existing };

  const upTo = history.filter((m) => m.occurredOn <= occurredOn);
  if (milestone === 'barrier-resolved') {
    const identified = upTo.filter((m) => m.milestone === 'barrier-identified' && m.domain === domain).length;
    const resolved = upTo.filter((m) => m.milestone === 'barrier-resolved' && m.domain === domain).length;
    if (identified <= resolved) {
      return refuse('MILESTONE.NO_OPEN_BARRIER', `No ${domain} barrier was identified (and left unresolved) on or before ${occurredOn}; record it first.`);
    }
  }
  if (milestone === 'training-completed' && !upTo.some((m) => m.milestone === 'training-started')) {
    return refuse('MILESTONE.NO_TRAINING_STARTED', `No training was started on or before ${occurredOn}; record the start first.`);
  }
  const weeks = SUSTAINED_WEEKS[milestone];
  if (weeks !== undefined) {
    const jobEntries = upTo.filter((m) => m.milestone === 'job-entry');
    if (jobEntries.length === 0) {
      return refuse('MILESTONE.NO_JOB_ENTRY', `Sustained employment needs a job entry on or before ${occurredOn}; record the job entry first.`);
    }
    const anchor = sustainedAnchor(history, occurredOn, weeks);
    if (!anchor) {
      return refuse('MILESTONE.TOO_EARLY', `Sustained employment at ${weeks} weeks needs a job entry at least ${weeks} weeks before ${occurredOn}.`);
    }
    // UA-10: one outcome per job entry, so an outcome is never counted twice.
    const credited = history.find((m) => m.milestone === milestone && sustainedAnchor(history, m.occurredOn, weeks)?.milestoneId === anchor.milestoneId);
    if (credited) {
      return {
        ...refuse('MILESTONE.ALREADY_CREDITED', `Sustained employment at ${weeks} weeks is already recorded for the job entered on ${anchor.occurredOn}.`),
        existing: credited,
      };
    }
  }
  return { kind: 'record' };
}

/** The job entry a sustained-employment milestone counts from: the latest one at least `weeks` before. */
function sustainedAnchor(history: readonly RecordedMilestone[], occurredOn: string, weeks: number): RecordedMilestone | undefined {
  const latestStart = addCalendarDays(occurredOn, -7 * weeks);
  return history
    .filter((m) => m.milestone === 'job-entry' && m.occurredOn <= latestStart)
    .sort((a, b) => (a.occurredOn < b.occurredOn ? 1 : a.occurredOn > b.occurredOn ? -1 : 0))[0];
}

export function isBarrier(milestone: Milestone): boolean {
  return BARRIER_MILESTONES.includes(milestone);
}

function refuse(code: MilestoneRefusalCode, message: string): Extract<MilestoneDecision, { kind: 'refuse' }> {
  return { kind: 'refuse', code, message };
}
