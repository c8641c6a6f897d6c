import { InScope, OutcomeRow, referralFigures, ReferralRow } from './figures';

export const INTERVALS = ['day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

/** The first day (UTC, YYYY-MM-DD) of the day, ISO week (from Monday) or month a time falls in. */
export function periodStart(at: Date, interval: Interval): string {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  if (interval === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  if (interval === 'month') d.setUTCDate(1);
  return d.toISOString().slice(0, 10);
}

export interface TimelinePoint {
  period: string;
  sent: number;
  received: number;
  accepted: number;
  rejected: number;
  completed: number;
  outcomesCredited: number;
}

/** The main figures per period, oldest first: referrals by the period of their request, outcomes by when they happened. */
export function timeline(referrals: readonly (ReferralRow & { requestedAt: Date })[], outcomes: readonly (OutcomeRow & { occurredAt: Date })[], inScope: InScope, interval: Interval): TimelinePoint[] {
  const periods = new Map<string, { referrals: ReferralRow[]; credited: number }>();
  const at = (p: string) => periods.get(p) ?? periods.set(p, { referrals: [], credited: 0 }).get(p)!;
  for (const r of referrals) at(periodStart(r.requestedAt, interval)).referrals.push(r);
  for (const o of outcomes) if (inScope(o.credited)) at(periodStart(o.occurredAt, interval)).credited += 1;
  return [...periods.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([period, p]) => {
      const f = referralFigures(p.referrals, inScope);
      return { period, sent: f.sent, received: f.received, accepted: f.accepted, rejected: f.rejected, completed: f.completed, outcomesCredited: p.credited };
    });
}
