import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { REFUSAL_CODES } from '@umbrella/agreement';
import { DOMAINS_OF_SUPPORT, REFERRAL_STATUSES } from '@umbrella/contracts';
import { CodedHttpException, Database } from '@umbrella/platform';
import { REPORT_SETTINGS, ReportSettings } from '../reporting.config';
import { InScope, OutcomeRow, ReferralRow, RefusalRow } from './figures';
import { ReportFilterDto, TimelineFilterDto } from './report-filter.dto';
import { AgencyFigures, agencyTable, partnershipSummary, Published, ReferralCounts, referralCounts, SummaryFigures, Suppressed, timelineReport } from './reports';
import { TimelineFigures } from './timeline';

export type PartnershipSummary = Published<SummaryFigures> &
  Suppressed & {
    filters: Omit<ReportFilterDto, 'format'>;
    /** k: a figure resting on fewer distinct clients is suppressed. */
    minimumClients: number;
  };
export type PublishedAgencyFigures = Published<AgencyFigures> & Suppressed;
export type TimelinePoint = Published<TimelineFigures> & Suppressed;
export type ReferralReport = Published<ReferralCounts> & Suppressed;

/** Milestones that count as "in work or training" for the under-25 goal. */
const WORK_OR_TRAINING = ['training-started', 'job-entry', 'sustained-employment-13-weeks', 'sustained-employment-26-weeks'];

interface Selection {
  /** null: every agency (the partnership), including agencies reporting has not seen registered yet */
  agencies: string[] | null;
  params: { from: string | null; to: string | null; domain: string | null; ageBand: string | null };
}

/**
 * Reads the projections for a report; every figure comes from the pure functions in figures.ts,
 * and what rests on fewer than k distinct clients is suppressed (reports.ts, suppression.ts).
 */
@Injectable()
export class ReportService {
  constructor(
    private readonly database: Database,
    @Inject(REPORT_SETTINGS) private readonly settings: ReportSettings,
  ) {}

  get minimumClients(): number {
    return this.settings.minimumClients;
  }

  async summary(filter: ReportFilterDto): Promise<PartnershipSummary> {
    const s = await this.select(filter);
    const scope: InScope = s.agencies ? ((set) => (id: string) => set.has(id))(new Set(s.agencies)) : () => true;
    const figures = partnershipSummary(
      {
        referrals: await this.referralRows(s),
        refusals: await this.refusalRows(s),
        // every code the agreement can refuse with: neither the selection nor what has happened changes which are listed
        refusalCodes: REFUSAL_CODES,
        outcomes: await this.outcomeRows(s),
        under25: await this.under25Rows(s),
        continuity: await this.continuityRows(s),
      },
      scope,
      this.settings.minimumClients,
    );
    const { format: _format, ...filters } = filter;
    return { filters, minimumClients: this.settings.minimumClients, ...figures };
  }

  /** One row per agency in the selection, computed from the same rows as the summary. */
  async perAgency(filter: ReportFilterDto): Promise<PublishedAgencyFigures[]> {
    const s = await this.select(filter);
    const agencies: { agency_id: string; stakeholder_type: string; region: string }[] = await this.database.dataSource.query(
      `SELECT agency_id, stakeholder_type, region FROM agency_dim WHERE ($1::text[] IS NULL OR agency_id = ANY($1)) ORDER BY agency_id`,
      [s.agencies],
    );
    return agencyTable(
      agencies.map((a) => ({ agencyId: a.agency_id, stakeholderType: a.stakeholder_type, region: a.region })),
      { referrals: await this.referralRows(s), refusals: await this.refusalRows(s), outcomes: await this.outcomeRows(s) },
      this.settings.minimumClients,
    );
  }

  /** The main figures per day, week or month, for the dashboard's charts. */
  async timeline(filter: TimelineFilterDto): Promise<TimelinePoint[]> {
    const s = await this.select(filter);
    const scope: InScope = s.agencies ? ((set) => (id: string) => set.has(id))(new Set(s.agencies)) : () => true;
    return timelineReport(await this.referralRows(s), await this.outcomeRows(s), scope, filter.interval ?? 'week', this.settings.minimumClients);
  }

  /** Referral counts by domain, status and receiving agency, for a period and a domain. */
  async referralCounts(filter: { from?: string; to?: string; domain?: string }): Promise<ReferralReport> {
    this.checkPeriod(filter);
    const rows: { client_id: string; domain: string; status: string; to_agency_id: string }[] = await this.database.dataSource.query(
      `SELECT client_id, domain, status, to_agency_id FROM referral_fact
        WHERE ($1::timestamptz IS NULL OR requested_at >= $1) AND ($2::timestamptz IS NULL OR requested_at <= $2)
          AND ($3::text IS NULL OR domain = $3)`,
      [filter.from ?? null, filter.to ?? null, filter.domain ?? null],
    );
    // every agency reporting knows of is listed, whatever the filter, so the keys tell nothing
    const agencies: { agency_id: string }[] = await this.database.dataSource.query(
      'SELECT agency_id FROM agency_dim UNION SELECT DISTINCT to_agency_id FROM referral_fact ORDER BY 1',
    );
    return referralCounts(
      rows.map((r) => ({ clientId: r.client_id, domain: r.domain, status: r.status, toAgencyId: r.to_agency_id })),
      { domains: filter.domain ? [filter.domain] : DOMAINS_OF_SUPPORT, statuses: REFERRAL_STATUSES, agencies: agencies.map((a) => a.agency_id) },
      this.settings.minimumClients,
    );
  }

  private checkPeriod(f: { from?: string; to?: string }): void {
    if (f.from && f.to && new Date(f.from) > new Date(f.to)) {
      throw new CodedHttpException(HttpStatus.BAD_REQUEST, 'REPORT.INVERTED_PERIOD', 'from must not be after to.');
    }
  }

  /** Checks the filters against what reporting knows, and resolves region, agency and stakeholder type to agencies. */
  private async select(f: ReportFilterDto): Promise<Selection> {
    this.checkPeriod(f);
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

  private async referralRows(s: Selection): Promise<ReferralRow[]> {
    const rows: Record<string, unknown>[] = await this.database.dataSource.query(
      `SELECT r.client_id, r.from_agency_id, r.to_agency_id, r.status, r.answer, r.reject_reason, r.requested_at, r.answered_at
         FROM referral_fact r ${this.clientJoin('r')}
        WHERE ($1::timestamptz IS NULL OR r.requested_at >= $1) AND ($2::timestamptz IS NULL OR r.requested_at <= $2)
          AND ($3::text IS NULL OR r.domain = $3) AND ($4::text IS NULL OR c.age_band = $4)
          AND ($5::text[] IS NULL OR r.from_agency_id = ANY($5) OR r.to_agency_id = ANY($5))
        ORDER BY r.requested_at, r.referral_id`,
      this.args(s),
    );
    return rows.map((r) => ({
      clientId: r.client_id as string,
      from: r.from_agency_id as string,
      to: r.to_agency_id as string,
      status: r.status as string,
      answer: r.answer as string | null,
      rejectReason: r.reject_reason as string | null,
      requestedAt: r.requested_at as Date,
      answeredAt: r.answered_at as Date | null,
    }));
  }

  /** Refused agreement decisions for actions of agencies in the selection, one row per decision. */
  private async refusalRows(s: Selection): Promise<(RefusalRow & { agencyId: string | null })[]> {
    const rows: { client_id: string; code: string | null; agency_id: string | null }[] = await this.database.dataSource.query(
      `SELECT d.client_id, d.code, d.agency_id FROM decision_fact d ${this.clientJoin('d')}
        WHERE d.outcome = 'refused' AND ($1::timestamptz IS NULL OR d.decided_at >= $1) AND ($2::timestamptz IS NULL OR d.decided_at <= $2)
          AND ($3::text IS NULL OR d.domain = $3) AND ($4::text IS NULL OR c.age_band = $4) AND ($5::text[] IS NULL OR d.agency_id = ANY($5))
        ORDER BY d.decided_at, d.decision_id`,
      this.args(s),
    );
    return rows.map((r) => ({ clientId: r.client_id, code: r.code, agencyId: r.agency_id }));
  }

  /** Outcomes have no domain of support: the domain filter does not apply to them. */
  private async outcomeRows(s: Selection): Promise<(OutcomeRow & { occurredAt: Date })[]> {
    const rows: { client_id: string; outcome: string; credited_agency_id: string; contributing_agency_ids: string[]; occurred_at: Date }[] = await this.database.dataSource.query(
      `SELECT o.client_id, o.outcome, o.credited_agency_id, o.contributing_agency_ids, o.occurred_at FROM outcome_fact o ${this.clientJoin('o')}
        WHERE ($1::timestamptz IS NULL OR o.occurred_at >= $1) AND ($2::timestamptz IS NULL OR o.occurred_at <= $2)
          AND ($3::text IS NULL OR true) AND ($4::text IS NULL OR c.age_band = $4)
          AND ($5::text[] IS NULL OR o.credited_agency_id = ANY($5) OR o.contributing_agency_ids && $5)
        ORDER BY o.occurred_at, o.milestone_id`,
      this.args(s),
    );
    return rows.map((r) => ({ clientId: r.client_id, outcome: r.outcome, credited: r.credited_agency_id, contributing: r.contributing_agency_ids, occurredAt: r.occurred_at }));
  }

  /**
   * Young people under 25 known to the partnership by the end of the period (registered by an
   * agency in the selection), and whether by then they had started training or work.
   */
  private async under25Rows(s: Selection): Promise<{ clientId: string; inWorkOrTraining: boolean }[]> {
    const rows: { client_id: string; in_work: boolean }[] = await this.database.dataSource.query(
      `SELECT c.client_id, EXISTS (SELECT 1 FROM milestone_fact m WHERE m.client_id = c.client_id AND m.milestone = ANY($6)
                        AND ($2::timestamptz IS NULL OR m.occurred_on <= $2::timestamptz)) AS in_work
         FROM client_dim c
        WHERE c.under25 AND ($1::timestamptz IS NULL OR true) AND ($2::timestamptz IS NULL OR c.registered_at <= $2)
          AND ($3::text IS NULL OR true) AND ($4::text IS NULL OR c.age_band = $4)
          AND ($5::text[] IS NULL OR c.registered_by_agency_id = ANY($5))`,
      [...this.args(s), WORK_OR_TRAINING],
    );
    return rows.map((r) => ({ clientId: r.client_id, inWorkOrTraining: r.in_work }));
  }

  /** Clients whose lead agency (in the selection) assigned them a key worker by the end of the period. */
  private continuityRows(s: Selection): Promise<{ clientId: string; keyWorkers: number; assignments: number }[]> {
    return this.database.dataSource.query(
      `SELECT k.client_id AS "clientId", count(DISTINCT k.key_worker_id)::int AS "keyWorkers", count(*)::int AS assignments
         FROM key_worker_assignment k ${this.clientJoin('k')}
        WHERE ($1::timestamptz IS NULL OR true) AND ($2::timestamptz IS NULL OR k.assigned_at <= $2)
          AND ($3::text IS NULL OR true) AND ($4::text IS NULL OR c.age_band = $4)
          AND ($5::text[] IS NULL OR k.client_id IN (SELECT client_id FROM key_worker_assignment WHERE lead_agency_id = ANY($5)))
        GROUP BY k.client_id`,
      this.args(s),
    );
  }
}
