import { InScope, Measured, OutcomeRow, referralMeasures, ReferralRow } from './figures';
import { Breakdown, Cell, merge, nest, Path, publishOnly, SuppressionPlan, Tally } from './suppression';

export const INTERVALS = ['day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

/** The first day (UTC, YYYY-MM-DD) of the day, ISO week (from Monday) or month a time falls in. */
export function periodStart(at: Date, interval: Interval): string {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  if (interval === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  if (interval === 'month') d.setUTCDate(1);
  return d.toISOString().slice(0, 10);
}

export interface TimelineFigures {
  period: string;
  sent: number;
  received: number;
  accepted: number;
  rejected: number;
  completed: number;
  outcomesCredited: number;
}

export const TIMELINE_FIGURES = ['sent', 'received', 'accepted', 'rejected', 'completed', 'outcomesCredited'] as const;
const REFERRAL_COLUMNS: readonly string[] = TIMELINE_FIGURES.filter((f) => f !== 'outcomesCredited');

/** Outcomes credited to an agency in scope, with the clients behind them. */
function creditedTally(outcomes: readonly OutcomeRow[], inScope: InScope): Tally {
  const t = new Tally().declare(['outcomesCredited']);
  for (const o of outcomes) if (inScope(o.credited)) t.count(['outcomesCredited'], o.clientId);
  return t;
}

/**
 * One period's figures. A zero in a period speaks about the clients with a referral or a credited
 * outcome in that period, so that is the population of every figure of the period.
 */
function periodMeasures(period: string, referrals: readonly ReferralRow[], outcomes: readonly OutcomeRow[], inScope: InScope): Measured<TimelineFigures> {
  const r = referralMeasures(referrals, inScope);
  const credited = creditedTally(outcomes, inScope);
  const population = new Set([...r.population, ...credited.clients(['outcomesCredited'])]);
  // the period's referral figures the timeline does not show still add up with those it shows
  const referralPlan = publishOnly(r.plan, (path) => path.length === 1 && REFERRAL_COLUMNS.includes(path[0]));
  const plan: SuppressionPlan = merge({ ...referralPlan, cells: referralPlan.cells.map((c) => ({ ...c, population: population.size })) }, { cells: credited.cells(population.size), breakdowns: [], derivations: [] });
  const f = r.figures;
  return {
    figures: { period, sent: f.sent, received: f.received, accepted: f.accepted, rejected: f.rejected, completed: f.completed, outcomesCredited: credited.value(['outcomesCredited']) },
    plan,
    population,
  };
}

/**
 * The main figures per period, oldest first: referrals by the period of their request, outcomes
 * by when they happened. Point i's figures are at [i, figure] in the plan. The periods of a column
 * add up to the partnership summary's figure for the same filters, so the column is a breakdown of
 * that figure (marked external: another report publishes it).
 */
export function timelineMeasures(
  referrals: readonly (ReferralRow & { requestedAt: Date })[],
  outcomes: readonly (OutcomeRow & { occurredAt: Date })[],
  inScope: InScope,
  interval: Interval,
): Measured<TimelineFigures[]> {
  const periods = new Map<string, { referrals: ReferralRow[]; outcomes: OutcomeRow[] }>();
  const at = (p: string) => periods.get(p) ?? periods.set(p, { referrals: [], outcomes: [] }).get(p)!;
  for (const r of referrals) at(periodStart(r.requestedAt, interval)).referrals.push(r);
  for (const o of outcomes) if (inScope(o.credited)) at(periodStart(o.occurredAt, interval)).outcomes.push(o);
  const points = [...periods.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([period, p]) => periodMeasures(period, p.referrals, p.outcomes, inScope));

  const overall = referralMeasures(referrals, inScope);
  const credited = creditedTally(outcomes, inScope);
  const population = new Set([...overall.population, ...credited.clients(['outcomesCredited'])]);
  const TOTAL: Path = ['#total'];
  const totals: Cell[] = [
    ...overall.plan.cells.filter((c) => c.path.length === 1 && REFERRAL_COLUMNS.includes(c.path[0])),
    ...credited.cells(population.size),
  ].map((c) => ({ ...c, path: [...TOTAL, ...c.path], population: population.size, kind: 'external' }));
  const columns: Breakdown[] = TIMELINE_FIGURES.map((figure) => ({ total: [...TOTAL, figure], parts: points.map((_, i) => [String(i), figure]) }));
  return {
    figures: points.map((p) => p.figures),
    plan: merge(...points.map((p, i) => nest(p.plan, [String(i)])), { cells: totals, breakdowns: columns, derivations: [] }),
    population,
  };
}

export function timeline(
  referrals: readonly (ReferralRow & { requestedAt: Date })[],
  outcomes: readonly (OutcomeRow & { occurredAt: Date })[],
  inScope: InScope,
  interval: Interval,
): TimelineFigures[] {
  return timelineMeasures(referrals, outcomes, inScope, interval).figures;
}
