import {
  capacityRefusalShare,
  capacityShareDerivation,
  ContinuityFigures,
  continuityMeasures,
  InScope,
  Measured,
  OutcomeFigures,
  outcomeMeasures,
  OutcomeRow,
  PREVENTION_RULES,
  ReferralFigures,
  referralMeasures,
  ReferralRow,
  RefusalFigures,
  refusalFigures,
  refusalMeasures,
  RefusalRow,
  Under25Figures,
  under25Measures,
} from './figures';
import { Breakdown, Cell, merge, nest, Path, redact, suppress, SuppressionPlan, Tally } from './suppression';
import { Interval, TimelineFigures, timelineMeasures } from './timeline';

/*
 * The reports as published: figures computed from the projection rows (figures.ts), then every
 * figure resting on fewer than k distinct clients, and every figure that would give one of those
 * back, replaced by null and named in `suppressed` (suppression.ts).
 */

/** A report's figures as published: any number may be null, when it is suppressed. */
export type Published<T> = T extends number ? number | null : T extends string | boolean | null | undefined ? T : { [K in keyof T]: Published<T[K]> };

/** The dotted names (as in the CSV export) of the figures suppressed in a report or a row. */
export interface Suppressed {
  suppressed: string[];
}

export const metricName = (path: Path): string => path.join('.');

/** Suppresses what the plan says and names it. */
export function publish<T extends object>(measured: Measured<T>, k: number): Published<T> & Suppressed {
  const paths = suppress(measured.plan, k);
  return { ...(redact(measured.figures, paths) as Published<T>), suppressed: paths.map(metricName) };
}

/** Splits the suppressed figures of a table (paths starting with the row's index) into each row. */
function publishRows<T extends object>(rows: readonly T[], plan: SuppressionPlan, k: number): (Published<T> & Suppressed)[] {
  const paths = suppress(plan, k);
  const redacted = redact([...rows], paths) as Published<T>[];
  return redacted.map((row, i) => ({ ...row, suppressed: paths.filter((p) => p[0] === String(i)).map((p) => metricName(p.slice(1))) }));
}

export interface SummaryFigures {
  referrals: ReferralFigures;
  capacityRefusalShare: number | null;
  refusals: RefusalFigures;
  outcomes: OutcomeFigures;
  under25: Under25Figures;
  keyWorkerContinuity: ContinuityFigures;
}

export interface SummaryRows {
  readonly referrals: readonly ReferralRow[];
  readonly refusals: readonly RefusalRow[];
  /** Every code a decision can be refused with, whatever the filters: the rules listed. */
  readonly refusalCodes: readonly string[];
  readonly outcomes: readonly OutcomeRow[];
  readonly under25: readonly { clientId: string; inWorkOrTraining: boolean }[];
  readonly continuity: readonly { clientId: string; keyWorkers: number; assignments: number }[];
}

export function summaryMeasures(rows: SummaryRows, inScope: InScope): Measured<SummaryFigures> {
  const referrals = referralMeasures(rows.referrals, inScope);
  const refusals = refusalMeasures(rows.refusals, rows.refusalCodes);
  const outcomes = outcomeMeasures(rows.outcomes, inScope);
  const under25 = under25Measures(rows.under25);
  const continuity = continuityMeasures(rows.continuity);
  const population = new Set([...referrals.population, ...refusals.population, ...outcomes.population, ...under25.population, ...continuity.population]);
  const share: Cell = { path: ['capacityRefusalShare'], value: 0, clients: 0, population: new Set([...referrals.population, ...refusals.population]).size };
  return {
    figures: {
      referrals: referrals.figures,
      capacityRefusalShare: capacityRefusalShare(referrals.figures, refusals.figures),
      refusals: refusals.figures,
      outcomes: outcomes.figures,
      under25: under25.figures,
      keyWorkerContinuity: continuity.figures,
    },
    plan: merge(
      nest(referrals.plan, ['referrals']),
      nest(refusals.plan, ['refusals']),
      nest(outcomes.plan, ['outcomes']),
      nest(under25.plan, ['under25']),
      nest(continuity.plan, ['keyWorkerContinuity']),
      { cells: [share], breakdowns: [], derivations: [capacityShareDerivation(['capacityRefusalShare'], ['referrals'], ['refusals'])] },
    ),
    population,
  };
}

export function partnershipSummary(rows: SummaryRows, inScope: InScope, k: number): Published<SummaryFigures> & Suppressed {
  return publish(summaryMeasures(rows, inScope), k);
}

export interface AgencyRow {
  readonly agencyId: string;
  readonly stakeholderType: string;
  readonly region: string;
}

export interface AgencyFigures extends ReferralFigures {
  agencyId: string;
  stakeholderType: string;
  region: string;
  capacityRefusalShare: number | null;
  refusals: number;
  outcomesCredited: number;
  outcomesContributedTo: number;
}

/** The per-agency columns that add up, over the agencies, to the partnership's figure. */
const ADDITIVE = ['sent', 'received', 'accepted', 'rejected', 'expired', 'completed', 'refusals', 'outcomesCredited'];

/** An agency's refusals (or the table's): the total shown, those for lack of capacity (UA-7) behind the share, the others. */
function refusalTally(rows: readonly RefusalRow[]): { tally: Tally; population: Set<string> } {
  const tally = new Tally().declare(['refusals']).declare(['#refusals', 'capacityRefused'], 'hidden').declare(['#refusals', 'other'], 'hidden');
  const population = new Set<string>();
  for (const r of rows) {
    population.add(r.clientId);
    tally.count(['refusals'], r.clientId);
    tally.count(PREVENTION_RULES.capacityRefused.some((rule) => rule === r.code) ? ['#refusals', 'capacityRefused'] : ['#refusals', 'other'], r.clientId);
  }
  return { tally, population };
}

/** Outcomes credited to, and contributed to by, the agencies in scope. */
function outcomeTally(rows: readonly OutcomeRow[], inScope: InScope): { tally: Tally; population: Set<string> } {
  const tally = new Tally().declare(['outcomesCredited']).declare(['outcomesContributedTo']);
  const population = new Set<string>();
  for (const o of rows) {
    const credited = inScope(o.credited);
    const contributed = o.contributing.some(inScope);
    if (credited) tally.count(['outcomesCredited'], o.clientId);
    if (contributed) tally.count(['outcomesContributedTo'], o.clientId);
    if (credited || contributed) population.add(o.clientId);
  }
  return { tally, population };
}

/**
 * One row per agency, each computed from the same rows as the summary. Only an agency's total of
 * refusals is shown; its refusals for lack of capacity stay in the plan, unpublished, because the
 * share turned away for lack of capacity is computed from them. A zero speaks about the agency's
 * clients in its section (referrals, refusals or outcomes: each is selected its own way); an
 * agency with none in a section speaks about every client of that section of the table ("none of
 * them was referred by this agency"), so its zeros there are shown when the table's section has
 * at least k clients, and suppressed like everything else when it has fewer.
 */
export function agencyTableMeasures(
  agencies: readonly AgencyRow[],
  rows: { referrals: readonly ReferralRow[]; refusals: readonly (RefusalRow & { agencyId: string | null })[]; outcomes: readonly OutcomeRow[] },
): { rows: AgencyFigures[]; plan: SuppressionPlan } {
  // The table as a whole, as the partnership summary for the same filters publishes it.
  const inSelection = new Set(agencies.map((a) => a.agencyId));
  const overallScope: InScope = (id) => inSelection.has(id);
  const overall = {
    referrals: referralMeasures(rows.referrals, overallScope),
    refusals: refusalTally(rows.refusals.filter((r) => r.agencyId !== null && inSelection.has(r.agencyId))),
    outcomes: outcomeTally(rows.outcomes, overallScope),
  };
  const withPopulation = (cells: readonly Cell[], own: ReadonlySet<string>, table: ReadonlySet<string>): Cell[] => cells.map((c) => ({ ...c, population: own.size > 0 ? own.size : table.size }));

  const byAgency = new Map<string, ReferralRow[]>();
  for (const r of rows.referrals) {
    for (const id of new Set([r.from, r.to])) byAgency.set(id, [...(byAgency.get(id) ?? []), r]);
  }
  const plans: SuppressionPlan[] = [];
  const table = agencies.map((a, i): AgencyFigures => {
    const scope: InScope = (id) => id === a.agencyId;
    const referrals = referralMeasures(byAgency.get(a.agencyId) ?? [], scope);
    const ownRefusals = rows.refusals.filter((r) => r.agencyId === a.agencyId);
    const refusals = refusalTally(ownRefusals);
    const outcomes = outcomeTally(rows.outcomes, scope);
    const share: Cell = { path: ['capacityRefusalShare'], value: 0, clients: 0, population: 0 };
    plans.push(
      nest(
        merge(
          { ...referrals.plan, cells: withPopulation([...referrals.plan.cells, share], referrals.population, overall.referrals.population) },
          {
            cells: [...withPopulation(refusals.tally.cells(0), refusals.population, overall.refusals.population), ...withPopulation(outcomes.tally.cells(0), outcomes.population, overall.outcomes.population)],
            breakdowns: [{ total: ['refusals'], parts: [['#refusals', 'capacityRefused'], ['#refusals', 'other']] }],
            derivations: [capacityShareDerivation(['capacityRefusalShare'], [], ['#refusals'])],
          },
        ),
        [String(i)],
      ),
    );
    return {
      agencyId: a.agencyId,
      stakeholderType: a.stakeholderType,
      region: a.region,
      ...referrals.figures,
      capacityRefusalShare: capacityRefusalShare(referrals.figures, refusalFigures(ownRefusals)),
      refusals: refusals.tally.value(['refusals']),
      outcomesCredited: outcomes.tally.value(['outcomesCredited']),
      outcomesContributedTo: outcomes.tally.value(['outcomesContributedTo']),
    };
  });

  // Each additive column adds up to the table's figure, which the summary publishes: a breakdown.
  const totals: Cell[] = [
    ...overall.referrals.plan.cells.filter((c) => (c.path.length === 1 && ADDITIVE.includes(c.path[0])) || c.path[0] === 'rejectedByReason'),
    ...overall.refusals.tally.cells(overall.refusals.population.size).filter((c) => c.path[0] === 'refusals'),
    ...overall.outcomes.tally.cells(overall.outcomes.population.size).filter((c) => c.path[0] === 'outcomesCredited'),
  ].map((c) => ({ ...c, path: ['#total', ...c.path], kind: 'external' }));
  const reasons = Object.keys(overall.referrals.figures.rejectedByReason);
  const columns: Breakdown[] = [...ADDITIVE.map((f): Path => [f]), ...reasons.map((r): Path => ['rejectedByReason', r])].map((figure) => ({
    total: ['#total', ...figure],
    parts: table.map((_, i) => [String(i), ...figure]),
  }));
  return { rows: table, plan: merge(...plans, { cells: totals, breakdowns: columns, derivations: [] }) };
}

export function agencyTable(agencies: readonly AgencyRow[], rows: Parameters<typeof agencyTableMeasures>[1], k: number): (Published<AgencyFigures> & Suppressed)[] {
  const measured = agencyTableMeasures(agencies, rows);
  return publishRows(measured.rows, measured.plan, k);
}

export function timelineReport(
  referrals: readonly (ReferralRow & { requestedAt: Date })[],
  outcomes: readonly (OutcomeRow & { occurredAt: Date })[],
  inScope: InScope,
  interval: Interval,
  k: number,
): (Published<TimelineFigures> & Suppressed)[] {
  const measured = timelineMeasures(referrals, outcomes, inScope, interval);
  return publishRows(measured.figures, measured.plan, k);
}

export interface ReferralCounts {
  total: number;
  byDomain: Record<string, number>;
  byStatus: Record<string, number>;
  byReceivingAgency: Record<string, number>;
}

/**
 * Referral counts by domain, status and receiving agency: three breakdowns of one total. Every
 * domain, status and known agency is listed (zero or not), so the keys tell nothing.
 */
export function referralCountMeasures(
  rows: readonly { clientId: string; domain: string; status: string; toAgencyId: string }[],
  keys: { domains: readonly string[]; statuses: readonly string[]; agencies: readonly string[] },
): Measured<ReferralCounts> {
  const t = new Tally().declare(['total']);
  const dimensions = [
    ['byDomain', [...new Set([...keys.domains, ...rows.map((r) => r.domain)])]],
    ['byStatus', [...new Set([...keys.statuses, ...rows.map((r) => r.status)])]],
    ['byReceivingAgency', [...new Set([...keys.agencies, ...rows.map((r) => r.toAgencyId)])].sort()],
  ] as const;
  for (const [dimension, values] of dimensions) for (const v of values) t.declare([dimension, v]);
  for (const r of rows) {
    t.count(['total'], r.clientId);
    t.count(['byDomain', r.domain], r.clientId);
    t.count(['byStatus', r.status], r.clientId);
    t.count(['byReceivingAgency', r.toAgencyId], r.clientId);
  }
  const population = t.clients(['total']);
  return {
    figures: {
      total: t.value(['total']),
      byDomain: Object.fromEntries(dimensions[0][1].map((v) => [v, t.value(['byDomain', v])])),
      byStatus: Object.fromEntries(dimensions[1][1].map((v) => [v, t.value(['byStatus', v])])),
      byReceivingAgency: Object.fromEntries(dimensions[2][1].map((v) => [v, t.value(['byReceivingAgency', v])])),
    },
    plan: { cells: t.cells(population.size), breakdowns: dimensions.map(([dimension, values]) => ({ total: ['total'], parts: values.map((v) => [dimension, v]) })), derivations: [] },
    population,
  };
}

export function referralCounts(rows: Parameters<typeof referralCountMeasures>[0], keys: Parameters<typeof referralCountMeasures>[1], k: number): Published<ReferralCounts> & Suppressed {
  return publish(referralCountMeasures(rows, keys), k);
}
