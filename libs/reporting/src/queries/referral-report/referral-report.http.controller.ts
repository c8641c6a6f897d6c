import { Controller, Get, HttpStatus, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { DOMAINS_OF_SUPPORT, DomainOfSupport } from '@umbrella/contracts';
import { CodedHttpException, Database, Roles } from '@umbrella/platform';
import { REPORT_READERS } from '../../access/reporting.access-policy';
import { flatten, toCsv } from '../../report/csv';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';

export class ReferralReportQueryDto {
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or time' })
  from?: string;

  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or time' })
  to?: string;

  @IsOptional()
  @IsIn(DOMAINS_OF_SUPPORT)
  domain?: DomainOfSupport;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class ReferralReportView {
  @ApiProperty() total: number;
  @ApiProperty({ type: Object, description: 'referrals by domain of support' }) byDomain: Record<string, number>;
  @ApiProperty({ type: Object, description: 'referrals by status' }) byStatus: Record<string, number>;
  @ApiProperty({ type: Object, description: 'referrals received, by agency' }) byReceivingAgency: Record<string, number>;
}

@ApiTags('reports')
@ApiBearerAuth()
@Roles(...REPORT_READERS)
@Controller('reports')
export class ReferralReportHttpController {
  constructor(private readonly database: Database) {}

  @Get('referrals')
  @ApiOperation({ summary: 'Referral counts for a period, by domain, status and receiving agency' })
  @ApiOkResponse({ type: ReferralReportView })
  @ApiProduces('application/json', 'text/csv')
  async referrals(@Query() query: ReferralReportQueryDto, @Res() reply: { header(n: string, v: string): { send(b: unknown): void }; send(b: unknown): void }): Promise<void> {
    if (query.from && query.to && new Date(query.from) > new Date(query.to)) {
      throw new CodedHttpException(HttpStatus.BAD_REQUEST, 'REPORT.INVERTED_PERIOD', 'from must not be after to.');
    }
    const rows: { domain: string; status: string; to_agency_id: string; n: number }[] = await this.database.dataSource.query(
      `SELECT domain, status, to_agency_id, count(*)::int AS n FROM referral_fact
        WHERE ($1::timestamptz IS NULL OR requested_at >= $1) AND ($2::timestamptz IS NULL OR requested_at <= $2)
          AND ($3::text IS NULL OR domain = $3)
        GROUP BY domain, status, to_agency_id`,
      [query.from ?? null, query.to ?? null, query.domain ?? null],
    );
    const report: ReferralReportView = { total: 0, byDomain: {}, byStatus: {}, byReceivingAgency: {} };
    for (const r of rows) {
      report.total += r.n;
      report.byDomain[r.domain] = (report.byDomain[r.domain] ?? 0) + r.n;
      report.byStatus[r.status] = (report.byStatus[r.status] ?? 0) + r.n;
      report.byReceivingAgency[r.to_agency_id] = (report.byReceivingAgency[r.to_agency_id] ?? 0) + r.n;
    }
    if (query.format === 'csv') {
      reply.header('content-type', 'text/csv; charset=utf-8').send(toCsv(['metric', 'value'], flatten(report)));
    } else reply.send(report);
  }
}
