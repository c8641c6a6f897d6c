import { addCalendarDays as addDays } from '@umbrella/agreement';
import { decideMilestone, RecordedMilestone } from './milestone.decider';

let seq = 0;
const m = (milestone: RecordedMilestone['milestone'], occurredOn: string, domain: RecordedMilestone['domain'] = null): RecordedMilestone => ({
  milestoneId: `m${++seq}`,
  milestone,
  domain,
  occurredOn,
});
const born = '2000-03-10';
const decide = (history: RecordedMilestone[], milestone: RecordedMilestone['milestone'], occurredOn: string, domain: RecordedMilestone['domain'] = null) =>
  decideMilestone({ dateOfBirth: born, history }, { milestone, domain, occurredOn });

describe('deciding a milestone', () => {
  it('given no history, records a first barrier, training start, job entry or leaving', () => {
    for (const milestone of ['barrier-identified', 'training-started', 'job-entry', 'left-programme'] as const) {
      expect(decide([], milestone, '2026-01-05', milestone === 'barrier-identified' ? 'housing' : null)).toEqual({ kind: 'record' });
    }
  });

  it('given the same milestone on the same day, answers the existing one (idempotent), not a second', () => {
    const job = m('job-entry', '2026-01-05');
    expect(decide([job], 'job-entry', '2026-01-05')).toEqual({ kind: 'duplicate', existing: job });
    expect(decide([job], 'job-entry', '2026-03-01')).toEqual({ kind: 'record' });
  });

  it('refuses a milestone before the client was born', () => {
    expect(decide([], 'training-started', '1999-12-31')).toMatchObject({ kind: 'refuse', code: 'MILESTONE.BEFORE_BIRTH' });
  });

  it('resolves only a barrier identified earlier in the same domain and still open', () => {
    const identified = m('barrier-identified', '2026-01-05', 'housing');
    expect(decide([], 'barrier-resolved', '2026-02-01', 'housing')).toMatchObject({ code: 'MILESTONE.NO_OPEN_BARRIER' });
    expect(decide([identified], 'barrier-resolved', '2026-02-01', 'health')).toMatchObject({ code: 'MILESTONE.NO_OPEN_BARRIER' });
    expect(decide([identified], 'barrier-resolved', '2026-01-04', 'housing')).toMatchObject({ code: 'MILESTONE.NO_OPEN_BARRIER' });
    expect(decide([identified], 'barrier-resolved', '2026-02-01', 'housing')).toEqual({ kind: 'record' });
    const resolved = m('barrier-resolved', '2026-02-01', 'housing');
    expect(decide([identified, resolved], 'barrier-resolved', '2026-03-01', 'housing')).toMatchObject({ code: 'MILESTONE.NO_OPEN_BARRIER' });
  });

  it('completes only training that was started', () => {
    expect(decide([], 'training-completed', '2026-02-01')).toMatchObject({ code: 'MILESTONE.NO_TRAINING_STARTED' });
    expect(decide([m('training-started', '2026-01-05')], 'training-completed', '2026-02-01')).toEqual({ kind: 'record' });
  });

  describe('sustained employment', () => {
    const job = m('job-entry', '2026-01-05');

    it('needs a job entry', () => {
      expect(decide([], 'sustained-employment-13-weeks', '2026-06-01')).toMatchObject({ code: 'MILESTONE.NO_JOB_ENTRY' });
    });

    it('needs 13 (or 26) full weeks since the job entry', () => {
      expect(decide([job], 'sustained-employment-13-weeks', addDays('2026-01-05', 90))).toMatchObject({ code: 'MILESTONE.TOO_EARLY' });
      expect(decide([job], 'sustained-employment-13-weeks', addDays('2026-01-05', 91))).toEqual({ kind: 'record' });
      expect(decide([job], 'sustained-employment-26-weeks', addDays('2026-01-05', 181))).toMatchObject({ code: 'MILESTONE.TOO_EARLY' });
      expect(decide([job], 'sustained-employment-26-weeks', addDays('2026-01-05', 182))).toEqual({ kind: 'record' });
    });

    it('is credited once per job entry (UA-10), and again for a later job', () => {
      const sustained = m('sustained-employment-13-weeks', '2026-04-06');
      const again = decide([job, sustained], 'sustained-employment-13-weeks', '2026-04-20');
      expect(again).toMatchObject({ kind: 'refuse', code: 'MILESTONE.ALREADY_CREDITED', existing: sustained });
      const secondJob = m('job-entry', '2026-05-04');
      expect(decide([job, sustained, secondJob], 'sustained-employment-13-weeks', '2026-08-03')).toEqual({ kind: 'record' });
    });
  });
});
