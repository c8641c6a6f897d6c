import { HttpStatus, Injectable } from '@nestjs/common';
import { CodedHttpException, Database } from '@umbrella/platform';
import {
  capacityRefusalShare,
  ContinuityFigures,
  continuityFigures,
  InScope,
  outcomeFigures,
  ReferralFigures,
  referralFigures,
  ReferralRow,
  RefusalFigures,
  refusalFigures,
  Under25Figures,
  under25Figures,
} from './figures';
import { ReportFilterDto, TimelineFilterDto } from './report-filter.dto';
import { timeline, TimelinePoint } from './timeline';

export interface PartnershipSummary {
  filters: Omit<ReportFilterDto, 'format'>;
  referrals: ReferralFigures;
  capacityRefusalShare: number | null;
  refusals: RefusalFigures;
  outcomes: Record<string, { credited: number; contributedTo: number }>;
  under25: Under25Figures;
  keyWorkerContinuity: ContinuityFigures;
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

/** Milestones that count as "in work or training" for the under-25 goal. */
const WORK_OR_TRAINING = ['training-started', 'job-entry', 'sustained-employment-13-weeks', 'sustained-employment-26-weeks'];

interface Selection {
  /** null: every agency (the partnership), including agencies reporting has not seen registered yet */
  agencies: string[] | null;
  params: { from: string | null; to: string | null; domain: string | null; ageBand: string | null };
}

/** Reads the projections for a report; every figure comes from the pure functions in figures.ts. */
@Injectable()
export class ReportService {
  constructor(private readonly database: Database) {}

  async summary(filter: ReportFilterDto): Promise<PartnershipSummary> {
    const s = await this.select(filter);
    const scope: InScope = s.agencies ? ((set) => (id: string) => set.has(id))(new Set(s.agencies)) : () => true;
    const referrals = referralFigures(await this.referralRows(s), scope);
    const refusals = refusalFigures(await this.refusalRows(s));
    const { format: _format, ...filters } = filter;
    return {
      filters,
      referrals,
      capacityRefusalShare: capacityRefusalShare(referrals, refusals),
      refusals,
      outcomes: outcomeFigures(await this.outcomeRows(s), scope),
      under25: under25Figures(await this.under25Rows(s)),
      keyWorkerContinuity: continuityFigures(await this.continuityRows(s)),
    };
  }

  /** One row per agency in the selection, computed from the same rows as the summary. */
  async perAgency(filter: ReportFilterDto): Promise<AgencyFigures[]> {
    const s = await this.select(filter);
    const agencies: { agency_id: string; stakeholder_type: string; region: string }[] = await this.database.dataSource.query(
      `SELECT agency_id, stakeholder_type, region FROM agency_dim WHERE ($1::text[] IS NULL OR agency_id = ANY($1)) ORDER BY agency_id`,
      [s.agencies],
    );
    const referrals = await this.referralRows(s);
    const outcomes = await this.outcomeRows(s);
    const refusals: { agency_id: string | null; code: string | null; n: number }[] = await this.database.dataSource.query(
      `SELECT d.agency_id, d.code, count(*)::int AS n FROM decision_fact d ${this.clientJoin('d')} WHERE ${this.refusalWhere('d')} GROUP BY d.agency_id, d.code ORDER BY d.code`,
      this.args(s),
    );
    const byAgency = new Map<string, ReferralRow[]>();
    for (const r of referrals) {
      for (const id of new Set([r.from, r.to])) byAgency.set(id, [...(byAgency.get(id) ?? []), r]);
    }
    return agencies.map((a) => {
      const scope: InScope = (id) => id === a.agency_id;
      const figures = referralFigures(byAgency.get(a.agency_id) ?? [], scope);
      const own = refusalFigures(refusals.filter((r) => r.agency_id === a.agency_id));
      const credited = outcomeFigures(outcomes, scope);
      return {
        agencyId: a.agency_id,
        stakeholderType: a.stakeholder_type,
        region: a.region,
        ...figures,
        capacityRefusalShare: capacityRefusalShare(figures, own),
        refusals: own.total,
        outcomesCredited: Object.values(credited).reduce((n, o) => n + o.credited, 0),
        outcomesContributedTo: Object.values(credited).reduce((n, o) => n + o.contributedTo, 0),
      };
    });
  }

  /** The main figures per day, week or month, for the dashboard's charts. */
  async timeline(filter: TimelineFilterDto): Promise<TimelinePoint[]> {
    const s = await this.select(filter);
    const scope: InScope = s.agencies ? ((set) => (id: string) => set.has(id))(new Set(s.agencies)) : () => true;
    return timeline(await this.referralRows(s), await this.outcomeRows(s), scope, filter.interval ?? 'week');
  }

  /** Checks the filters against what reporting knows, and resolves region, agency and stakeholder type to agencies. */
  private async select(f: ReportFilterDto): Promise<Selection> {
    if (f.from && f.to && new Date(f.from) > new Date(f.to)) {
      throw new CodedHttpException(HttpStatus.BAD_REQUEST, 'REPORT.INVERTED_PERIOD', 'from must not be after to.');
    }
    const params = { from: f.from ?? null, to: f.to ?? null, domain: f.domain ?? null, ageBand: f.ageBand ?? null };
    if (!f.region && !f.agency && !f.stakeholderType) return { agencies: null, params };
    const known = async (column: string, value: string) =>
      ((await this.database.dataSource.query(`SELECT 1 FROM agency_dim WHERE ${column} = $1 LIMIT 1`, [value])) as unknown[]).length > 0;
    if (f.agency && !(await known('agency_id', f.agency))) throw new CodedHttpException(HttpStatus.BAD_REQUEST, 'REPORT.UNKNOWN_FILTER_VALUE', `agency ${f.agency} is not a known agency.`, [`agency: unknown agency ${f.agency}`]);
    if (f.region && !(await known('region', f.region))) throw new CodedHttpException(HttpStatus.BAD_REQUEST, 'REPORT.UNKNOWN_FILTER_VALUE', `No agency is in region ${f.region}.`, [`region: unknown region ${f.region}`]);
    const rows: { agency_id: string }[] = await this.database.dataSource.query(
      `SELECT agency_id FROM agency_dim WHERE ($1::text IS NULL OR region = $1) AND ($2::text IS NULL OR agency_id = $2) AND ($3::text IS NULL OR stakeholder_type = $3)`,
      [f.region ?? null, f.agency ?? null, f.stakeholderType ?? null],
    );
    return { agencies: rows.map((r) => r.agency_id), params };
  }

  /** Every query takes the same five parameters; one that does not filter on a parameter still names it (`$n IS NULL OR true`) so PostgreSQL can type it. */
  private args(s: Selection): unknown[] {
    return [s.params.from, s.params.to, s.params.domain, s.params.ageBand, s.agencies];
  }

  private clientJoin(alias: string): string {
    return `LEFT JOIN client_dim c ON c.client_id = ${alias}.client_id`;
  }

  private refusalWhere(alias: string): string {
    return `${alias}.outcome = 'refused' AND ($1::timestamptz IS NULL OR ${alias}.decided_at >= $1) AND ($2::timestamptz IS NULL OR ${alias}.decided_at <= $2)
      AND ($3::text IS NULL OR ${alias}.domain = $3) AND ($4::text IS NULL OR c.age_band = $4) AND ($5::text[] IS NULL OR ${alias}.agency_id = ANY($5))`;
  }

  private async referralRows(s: Selection): Promise<ReferralRow[]> {
    const rows: Record<string, unknown>[] = await this.database.dataSource.query(
      `SELECT r.from_agency_id, r.to_agency_id, r.status, r.answer, r.reject_reason, r.requested_at, r.answered_at
         FROM referral_fact r ${this.clientJoin('r')}
        WHERE ($1::timestamptz IS NULL OR r.requested_at >= $1) AND ($2::timestamptz IS NULL OR r.requested_at <= $2)
          AND ($3::text IS NULL OR r.domain = $3) AND ($4::text IS NULL OR c.age_band = $4)
          AND ($5::text[] IS NULL OR r.from_agency_id = ANY($5) OR r.to_agency_id = ANY($5))
        ORDER BY r.requested_at, r.referral_id`,
      this.args(s),
    );
    return rows.map((r) => ({
      from: r.from_agency_id as string,
      to: r.to_agency_id as string,
      status: r.status as string,
      answer: r.answer as string | null,
      rejectReason: r.reject_reason as string | null,
      requestedAt: r.requested_at as Date,
      answeredAt: r.answered_at as Date | null,
    }));
  }

  private refusalRows(s: Selection): Promise<{ code: string | null; n: number }[]> {
    return this.database.dataSource.query(
      `SELECT d.code, count(*)::int AS n FROM decision_fact d ${this.clientJoin('d')} WHERE ${this.refusalWhere('d')} GROUP BY d.code ORDER BY d.code`,
      this.args(s),
    );
  }

  /** Outcomes have no domain of support: the domain filter does not apply to them. */
  private async outcomeRows(s: Selection): Promise<{ outcome: string; credited: string; contributing: string[]; occurredAt: Date }[]> {
    const rows: { outcome: string; credited_agency_id: string; contributing_agency_ids: string[]; occurred_at: Date }[] = await this.database.dataSource.query(
      `SELECT o.outcome, o.credited_agency_id, o.contributing_agency_ids, o.occurred_at FROM outcome_fact o ${this.clientJoin('o')}
        WHERE ($1::timestamptz IS NULL OR o.occurred_at >= $1) AND ($2::timestamptz IS NULL OR o.occurred_at <= $2)
          AND ($3::text IS NULL OR true) AND ($4::text IS NULL OR c.age_band = $4)
          AND ($5::text[] IS NULL OR o.credited_agency_id = ANY($5) OR o.contributing_agency_ids && $5)
        ORDER BY o.occurred_at, o.milestone_id`,
      this.args(s),
    );
    return rows.map((r) => ({ outcome: r.outcome, credited: r.credited_agency_id, contributing: r.contributing_agency_ids, occurredAt: r.occurred_at }));
  }

  /**
   * Young people under 25 known to the partnership by the end of the period (registered by an
   * agency in the selection), and whether by then they had started training or work.
   */
  private async under25Rows(s: Selection): Promise<{ inWorkOrTraining: boolean }[]> {
    const rows: { in_work: boolean }[] = await this.database.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM milestone_fact m WHERE m.client_id = c.client_id AND m.milestone = ANY($6)
                        AND ($2::timestamptz IS NULL OR m.occurred_on <= $2::timestamptz)) AS in_work
         FROM client_dim c
        WHERE c.under25 AND ($1::timestamptz IS NULL OR true) AND ($2::timestamptz IS NULL OR c.registered_at <= $2)
          AND ($3::text IS NULL OR true) AND ($4::text IS NULL OR c.age_band = $4)
          AND ($5::text[] IS NULL OR c.registered_by_agency_id = ANY($5))`,
      [...this.args(s), WORK_OR_TRAINING],
    );
    return rows.map((r) => ({ inWorkOrTraining: r.in_work }));
  }

  /** Clients whose lead agency (in the selection) assigned them a key worker by the end of the period. */
  private continuityRows(s: Selection): Promise<{ keyWorkers: number; assignments: number }[]> {
    return this.database.dataSource.query(
      `SELECT count(DISTINCT k.key_worker_id)::int AS "keyWorkers", count(*)::int AS assignments
         FROM key_worker_assignment k ${this.clientJoin('k')}
        WHERE ($1::timestamptz IS NULL OR true) AND ($2::timestamptz IS NULL OR k.assigned_at <= $2)
          AND ($3::text IS NULL OR true) AND ($4::text IS NULL OR c.age_band = $4)
          AND ($5::text[] IS NULL OR k.client_id IN (SELECT client_id FROM key_worker_assignment WHERE lead_agency_id = ANY($5)))
        GROUP BY k.client_id`,
      this.args(s),
    );
  }
}
