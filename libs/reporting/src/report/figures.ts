import { percentile, share } from './statistics';

/*
 * The figures of a report, computed from projection rows by pure functions. `inScope` says which
 * agencies the view is about (all of them for the partnership, one for an agency's view): a
 * referral counts as sent by its sender and received, answered and completed by its receiver.
 */

export type InScope = (agencyId: string) => boolean;

export interface ReferralRow {
  readonly from: string;
  readonly to: string;
  readonly status: string;
  readonly answer: string | null;
  readonly rejectReason: string | null;
  readonly requestedAt: Date;
  readonly answeredAt: Date | null;
}

export interface ReferralFigures {
  sent: number;
  received: number;
  accepted: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  expired: number;
  completed: number;
  /** Mistakes are kept on record but counted nowhere else. */
  enteredInError: number;
  timeToAnswerSeconds: { answered: number; median: number | null; p90: number | null };
}

export function referralFigures(rows: readonly ReferralRow[], inScope: InScope): ReferralFigures {
  const f: ReferralFigures = { sent: 0, received: 0, accepted: 0, rejected: 0, rejectedByReason: {}, expired: 0, completed: 0, enteredInError: 0, timeToAnswerSeconds: { answered: 0, median: null, p90: null } };
  const waits: number[] = [];
  for (const r of rows) {
    if (r.status === 'entered-in-error') {
      if (inScope(r.from) || inScope(r.to)) f.enteredInError += 1;
      continue;
    }
    if (inScope(r.from)) f.sent += 1;
    if (!inScope(r.to)) continue;
    f.received += 1;
    if (r.answer === 'accepted') f.accepted += 1;
    if (r.answer === 'rejected') {
      f.rejected += 1;
      const reason = r.rejectReason ?? 'unknown';
      f.rejectedByReason[reason] = (f.rejectedByReason[reason] ?? 0) + 1;
    }
    if (r.answer === 'expired') f.expired += 1;
    if (r.status === 'completed') f.completed += 1;
    // an expiry is the absence of an answer: it is not a time to answer
    if ((r.answer === 'accepted' || r.answer === 'rejected') && r.answeredAt) waits.push((r.answeredAt.getTime() - r.requestedAt.getTime()) / 1000);
  }
  f.timeToAnswerSeconds = { answered: waits.length, median: percentile(waits, 50), p90: percentile(waits, 90) };
  return f;
}

/** The agreement's rules that prevent the harms the partnership tracks. */
export const PREVENTION_RULES = { duplicatesPrevented: ['UA-5'], competingClaimsBlocked: ['UA-3', 'UA-4', 'UA-9'], loopsPrevented: ['UA-6'], capacityRefused: ['UA-7'] } as const;

export interface RefusalFigures {
  total: number;
  byRule: Record<string, number>;
  duplicatesPrevented: number;
  competingClaimsBlocked: number;
  loopsPrevented: number;
  capacityRefused: number;
}

export function refusalFigures(rows: readonly { code: string | null; n: number }[]): RefusalFigures {
  const byRule: Record<string, number> = {};
  for (const r of rows) byRule[r.code ?? 'unknown'] = (byRule[r.code ?? 'unknown'] ?? 0) + r.n;
  const sum = (codes: readonly string[]) => codes.reduce((n, c) => n + (byRule[c] ?? 0), 0);
  return {
    total: Object.values(byRule).reduce((a, b) => a + b, 0),
    byRule,
    duplicatesPrevented: sum(PREVENTION_RULES.duplicatesPrevented),
    competingClaimsBlocked: sum(PREVENTION_RULES.competingClaimsBlocked),
    loopsPrevented: sum(PREVENTION_RULES.loopsPrevented),
    capacityRefused: sum(PREVENTION_RULES.capacityRefused),
  };
}

/**
 * Share of would-be referrals turned away for lack of capacity: rejections with reason
 * no-capacity and UA-7 refusals, over the referrals received plus those UA-7 refusals.
 */
export function capacityRefusalShare(referrals: ReferralFigures, refusals: RefusalFigures): number | null {
  return share((referrals.rejectedByReason['no-capacity'] ?? 0) + refusals.capacityRefused, referrals.received + refusals.capacityRefused);
}

export const OUTCOMES = ['training-started', 'job-entry', 'sustained-employment-13-weeks', 'sustained-employment-26-weeks'] as const;

export interface OutcomeRow {
  readonly outcome: string;
  readonly credited: string;
  readonly contributing: readonly string[];
}

/**
 * Each outcome is counted once, for its single credited agency (UA-10); `contributedTo` counts
 * the outcomes an agency in scope contributed to, credited or not — a separate measure, never
 * added to the credited one.
 */
export function outcomeFigures(rows: readonly OutcomeRow[], inScope: InScope): Record<string, { credited: number; contributedTo: number }> {
  const figures: Record<string, { credited: number; contributedTo: number }> = Object.fromEntries(OUTCOMES.map((o) => [o, { credited: 0, contributedTo: 0 }]));
  for (const r of rows) {
    const f = (figures[r.outcome] ??= { credited: 0, contributedTo: 0 });
    if (inScope(r.credited)) f.credited += 1;
    if (r.contributing.some(inScope)) f.contributedTo += 1;
  }
  return figures;
}

export interface Under25Figures {
  known: number;
  inWorkOrTraining: number;
  share: number | null;
}

export function under25Figures(rows: readonly { inWorkOrTraining: boolean }[]): Under25Figures {
  const inWork = rows.filter((r) => r.inWorkOrTraining).length;
  return { known: rows.length, inWorkOrTraining: inWork, share: share(inWork, rows.length) };
}

export interface ContinuityFigures {
  clientsWithKeyWorker: number;
  keptOneKeyWorker: number;
  keyWorkerChanges: number;
  share: number | null;
}

/** Key-worker continuity: clients who stayed with the same specialist through the journey. */
export function continuityFigures(rows: readonly { keyWorkers: number; assignments: number }[]): ContinuityFigures {
  const kept = rows.filter((r) => r.keyWorkers === 1).length;
  return {
    clientsWithKeyWorker: rows.length,
    keptOneKeyWorker: kept,
    keyWorkerChanges: rows.reduce((n, r) => n + r.assignments - 1, 0),
    share: share(kept, rows.length),
  };
}
