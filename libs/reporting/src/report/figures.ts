import { REFERRAL_REASONS } from '@umbrella/contracts';
import { percentile, share } from './statistics';
import { Breakdown, Cell, Derivation, Path, SuppressionPlan, Tally } from './suppression';

/*
 * The figures of a report, computed from projection rows by pure functions. `inScope` says which
 * agencies the view is about (all of them for the partnership, one for an agency's view): a
 * referral counts as sent by its sender and received, answered and completed by its receiver.
 * Each figure comes with the distinct clients it rests on and how it adds up with the others (a
 * suppression plan), so a report can leave out what would tell something about a few clients.
 */

export type InScope = (agencyId: string) => boolean;

/** Figures and the plan that says which of them may be published. */
export interface Measured<T> {
  readonly figures: T;
  readonly plan: SuppressionPlan;
  /** The distinct clients the figures are drawn from. */
  readonly population: ReadonlySet<string>;
}

export interface ReferralRow {
  readonly clientId: string;
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

/** Every reason a rejection can carry, and `unknown` for one without: listed whatever the data, so the keys tell nothing. */
export const REJECT_REASONS: readonly string[] = [...REFERRAL_REASONS, 'unknown'];

/** Received referrals not (yet) accepted, rejected or expired; and accepted ones not completed: never published, but what a total minus its parts gives. */
const UNANSWERED: Path = ['#received-not-answered'];
const NOT_COMPLETED: Path = ['#accepted-not-completed'];

export function referralMeasures(rows: readonly ReferralRow[], inScope: InScope): Measured<ReferralFigures> {
  const t = new Tally();
  const reasons = [...new Set([...REJECT_REASONS, ...rows.flatMap((r) => (r.answer === 'rejected' ? [r.rejectReason ?? 'unknown'] : []))])];
  for (const figure of ['sent', 'received', 'accepted', 'rejected']) t.declare([figure]);
  for (const reason of reasons) t.declare(['rejectedByReason', reason]);
  for (const figure of ['expired', 'completed', 'enteredInError']) t.declare([figure]);
  t.declare(['timeToAnswerSeconds', 'answered']).declare(UNANSWERED, 'hidden').declare(NOT_COMPLETED, 'hidden');
  const population = new Set<string>();
  const waits: number[] = [];
  for (const r of rows) {
    if (!inScope(r.from) && !inScope(r.to)) continue;
    population.add(r.clientId);
    if (r.status === 'entered-in-error') {
      t.count(['enteredInError'], r.clientId);
      continue;
    }
    if (inScope(r.from)) t.count(['sent'], r.clientId);
    if (!inScope(r.to)) continue;
    t.count(['received'], r.clientId);
    if (r.answer === 'accepted') {
      t.count(['accepted'], r.clientId);
      if (r.status !== 'completed') t.count(NOT_COMPLETED, r.clientId);
    } else if (r.answer === 'rejected') {
      t.count(['rejected'], r.clientId);
      t.count(['rejectedByReason', r.rejectReason ?? 'unknown'], r.clientId);
    } else if (r.answer === 'expired') t.count(['expired'], r.clientId);
    else t.count(UNANSWERED, r.clientId);
    if (r.status === 'completed') t.count(['completed'], r.clientId);
    // an expiry is the absence of an answer: it is not a time to answer
    if ((r.answer === 'accepted' || r.answer === 'rejected') && r.answeredAt) {
      waits.push((r.answeredAt.getTime() - r.requestedAt.getTime()) / 1000);
      t.count(['timeToAnswerSeconds', 'answered'], r.clientId);
    }
  }
  const answered = t.clients(['timeToAnswerSeconds', 'answered']).size;
  const timing = (p: 'median' | 'p90'): Cell => ({ path: ['timeToAnswerSeconds', p], value: waits.length, clients: answered, population: population.size });
  return {
    figures: {
      sent: t.value(['sent']),
      received: t.value(['received']),
      accepted: t.value(['accepted']),
      rejected: t.value(['rejected']),
      rejectedByReason: Object.fromEntries(reasons.map((reason) => [reason, t.value(['rejectedByReason', reason])])),
      expired: t.value(['expired']),
      completed: t.value(['completed']),
      enteredInError: t.value(['enteredInError']),
      timeToAnswerSeconds: { answered: waits.length, median: percentile(waits, 50), p90: percentile(waits, 90) },
    },
    plan: {
      cells: [...t.cells(population.size), timing('median'), timing('p90')],
      breakdowns: [
        { total: ['received'], parts: [['accepted'], ['rejected'], ['expired'], UNANSWERED] },
        { total: ['rejected'], parts: reasons.map((reason) => ['rejectedByReason', reason]) },
        // a completed referral was accepted first
        { total: ['accepted'], parts: [['completed'], NOT_COMPLETED] },
      ],
      // the number answered is the accepted plus the rejected
      derivations: [{ figure: ['timeToAnswerSeconds', 'answered'], from: [['accepted'], ['rejected']] }],
    },
    population,
  };
}

export function referralFigures(rows: readonly ReferralRow[], inScope: InScope): ReferralFigures {
  return referralMeasures(rows, inScope).figures;
}

/** The agreement's rules that prevent the harms the partnership tracks. */
export const PREVENTION_RULES = { duplicatesPrevented: ['UA-5'], competingClaimsBlocked: ['UA-3', 'UA-4', 'UA-9'], loopsPrevented: ['UA-6'], capacityRefused: ['UA-7'] } as const;

export interface RefusalRow {
  readonly clientId: string;
  readonly code: string | null;
}

export interface RefusalFigures {
  total: number;
  byRule: Record<string, number>;
  duplicatesPrevented: number;
  competingClaimsBlocked: number;
  loopsPrevented: number;
  capacityRefused: number;
}

/**
 * Refused decisions by rule. `codes` lists the rules shown whatever the rows (every code the
 * agreement can refuse with), so that which rules are listed tells nothing about the clients selected.
 */
export function refusalMeasures(rows: readonly RefusalRow[], codes: readonly string[] = []): Measured<RefusalFigures> {
  const t = new Tally().declare(['total']);
  const code = (r: RefusalRow) => r.code ?? 'unknown';
  const all = [...new Set([...codes, ...rows.map(code)])];
  for (const c of all) t.declare(['byRule', c]);
  const prevention = Object.entries(PREVENTION_RULES);
  for (const [figure] of prevention) t.declare([figure]);
  const population = new Set<string>();
  for (const r of rows) {
    population.add(r.clientId);
    t.count(['total'], r.clientId);
    t.count(['byRule', code(r)], r.clientId);
    for (const [figure, rules] of prevention) if ((rules as readonly string[]).includes(code(r))) t.count([figure], r.clientId);
  }
  return {
    figures: {
      total: t.value(['total']),
      byRule: Object.fromEntries(all.map((c) => [c, t.value(['byRule', c])])),
      duplicatesPrevented: t.value(['duplicatesPrevented']),
      competingClaimsBlocked: t.value(['competingClaimsBlocked']),
      loopsPrevented: t.value(['loopsPrevented']),
      capacityRefused: t.value(['capacityRefused']),
    },
    plan: {
      cells: t.cells(population.size),
      breakdowns: [
        { total: ['total'], parts: all.map((c) => ['byRule', c]) },
        // each prevention figure adds up its rules' refusals (one rule: it is the same number)
        ...prevention.map(([figure, rules]): Breakdown => ({ total: [figure], parts: rules.map((rule) => ['byRule', rule]).filter((p) => all.includes(p[1])) })).filter((b) => b.parts.length > 0),
      ],
      derivations: [],
    },
    population,
  };
}

export function refusalFigures(rows: readonly RefusalRow[], codes: readonly string[] = []): RefusalFigures {
  return refusalMeasures(rows, codes).figures;
}

/**
 * Share of would-be referrals turned away for lack of capacity: rejections with reason
 * no-capacity and UA-7 refusals, over the referrals received plus those UA-7 refusals.
 */
export function capacityRefusalShare(referrals: ReferralFigures, refusals: RefusalFigures): number | null {
  return share((referrals.rejectedByReason['no-capacity'] ?? 0) + refusals.capacityRefused, referrals.received + refusals.capacityRefused);
}

/** The share is computed from these figures: it is suppressed with any of them. */
export function capacityShareDerivation(figure: Path, referrals: Path, refusals: Path): Derivation {
  return { figure, from: [[...referrals, 'rejectedByReason', 'no-capacity'], [...referrals, 'received'], [...refusals, 'capacityRefused']] };
}

export const OUTCOMES = ['training-started', 'job-entry', 'sustained-employment-13-weeks', 'sustained-employment-26-weeks'] as const;

export interface OutcomeRow {
  readonly clientId: string;
  readonly outcome: string;
  readonly credited: string;
  readonly contributing: readonly string[];
}

export type OutcomeFigures = Record<string, { credited: number; contributedTo: number }>;

/**
 * Each outcome is counted once, for its single credited agency (UA-10); `contributedTo` counts
 * the outcomes an agency in scope contributed to, credited or not — a separate measure, never
 * added to the credited one.
 */
export function outcomeMeasures(rows: readonly OutcomeRow[], inScope: InScope): Measured<OutcomeFigures> {
  const t = new Tally();
  const outcomes = [...new Set([...OUTCOMES, ...rows.map((r) => r.outcome)])];
  for (const o of outcomes) t.declare([o, 'credited']).declare([o, 'contributedTo']);
  const population = new Set<string>();
  for (const r of rows) {
    const credited = inScope(r.credited);
    const contributed = r.contributing.some(inScope);
    if (credited || contributed) population.add(r.clientId);
    if (credited) t.count([r.outcome, 'credited'], r.clientId);
    if (contributed) t.count([r.outcome, 'contributedTo'], r.clientId);
  }
  return {
    figures: Object.fromEntries(outcomes.map((o) => [o, { credited: t.value([o, 'credited']), contributedTo: t.value([o, 'contributedTo']) }])),
    plan: { cells: t.cells(population.size), breakdowns: [], derivations: [] },
    population,
  };
}

export function outcomeFigures(rows: readonly OutcomeRow[], inScope: InScope): OutcomeFigures {
  return outcomeMeasures(rows, inScope).figures;
}

export interface Under25Figures {
  known: number;
  inWorkOrTraining: number;
  share: number | null;
}

export function under25Measures(rows: readonly { clientId: string; inWorkOrTraining: boolean }[]): Measured<Under25Figures> {
  const t = new Tally().declare(['known']).declare(['inWorkOrTraining']).declare(['#not-in-work-or-training'], 'hidden');
  for (const r of rows) {
    t.count(['known'], r.clientId);
    t.count(r.inWorkOrTraining ? ['inWorkOrTraining'] : ['#not-in-work-or-training'], r.clientId);
  }
  const known = t.value(['known']);
  const inWork = t.value(['inWorkOrTraining']);
  return {
    figures: { known, inWorkOrTraining: inWork, share: share(inWork, known) },
    plan: {
      cells: [...t.cells(t.clients(['known']).size), { path: ['share'], value: known, clients: t.clients(['known']).size, population: t.clients(['known']).size }],
      breakdowns: [{ total: ['known'], parts: [['inWorkOrTraining'], ['#not-in-work-or-training']] }],
      derivations: [{ figure: ['share'], from: [['inWorkOrTraining'], ['known']] }],
    },
    population: t.clients(['known']),
  };
}

export function under25Figures(rows: readonly { clientId: string; inWorkOrTraining: boolean }[]): Under25Figures {
  return under25Measures(rows).figures;
}

export interface ContinuityFigures {
  clientsWithKeyWorker: number;
  keptOneKeyWorker: number;
  keyWorkerChanges: number;
  share: number | null;
}

/** Key-worker continuity: clients who stayed with the same specialist through the journey. */
export function continuityMeasures(rows: readonly { clientId: string; keyWorkers: number; assignments: number }[]): Measured<ContinuityFigures> {
  const t = new Tally().declare(['clientsWithKeyWorker']).declare(['keptOneKeyWorker']).declare(['#changed-key-worker'], 'hidden').declare(['keyWorkerChanges']);
  for (const r of rows) {
    t.count(['clientsWithKeyWorker'], r.clientId);
    t.count(r.keyWorkers === 1 ? ['keptOneKeyWorker'] : ['#changed-key-worker'], r.clientId);
    if (r.assignments > 1) t.count(['keyWorkerChanges'], r.clientId, r.assignments - 1);
  }
  const clients = t.clients(['clientsWithKeyWorker']).size;
  const kept = t.value(['keptOneKeyWorker']);
  return {
    figures: { clientsWithKeyWorker: t.value(['clientsWithKeyWorker']), keptOneKeyWorker: kept, keyWorkerChanges: t.value(['keyWorkerChanges']), share: share(kept, t.value(['clientsWithKeyWorker'])) },
    plan: {
      cells: [...t.cells(clients), { path: ['share'], value: clients, clients, population: clients }],
      breakdowns: [{ total: ['clientsWithKeyWorker'], parts: [['keptOneKeyWorker'], ['#changed-key-worker']] }],
      derivations: [{ figure: ['share'], from: [['keptOneKeyWorker'], ['clientsWithKeyWorker']] }],
    },
    population: t.clients(['clientsWithKeyWorker']),
  };
}

export function continuityFigures(rows: readonly { clientId: string; keyWorkers: number; assignments: number }[]): ContinuityFigures {
  return continuityMeasures(rows).figures;
}
