import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Roles } from '@umbrella/platform';
import { REPORT_READERS } from '../../access/reporting.access-policy';
import { flattenPublished, toCsv } from '../../report/csv';
import { ReportService } from '../../report/report.service';
import { ReferralReportQueryDto } from './referral-report.query.dto';

export class ReferralReportView {
  @ApiProperty({ type: Number, nullable: true }) total: number | null;
  @ApiProperty({ type: Object, description: 'referrals by domain of support (every domain listed)' }) byDomain: Record<string, number | null>;
  @ApiProperty({ type: Object, description: 'referrals by status (every status listed)' }) byStatus: Record<string, number | null>;
  @ApiProperty({ type: Object, description: 'referrals received, by agency (every agency reporting knows listed)' }) byReceivingAgency: Record<string, number | null>;
  @ApiProperty({ type: [String], description: 'figures resting on fewer than k distinct clients, or that would give one back: null above' }) suppressed: string[];
}

/** Referral counts for a period; no figure resting on fewer than k distinct clients. */
@ApiTags('reports')
@ApiBearerAuth()
@Roles(...REPORT_READERS)
@Controller('reports')
export class ReferralReportHttpController {
  constructor(private readonly reports: ReportService) {}

  @Get('referrals')
  @ApiOperation({ summary: 'Referral counts for a period, by domain, status and receiving agency' })
  @ApiOkResponse({ type: ReferralReportView })
  @ApiProduces('application/json', 'text/csv')
  async referrals(@Query() query: ReferralReportQueryDto, @Res() reply: { header(n: string, v: string): { send(b: unknown): void }; send(b: unknown): void }): Promise<void> {
    const report: ReferralReportView = await this.reports.referralCounts(query);
    if (query.format === 'csv') {
      reply.header('content-type', 'text/csv; charset=utf-8').send(toCsv(['metric', 'value'], flattenPublished(report, this.reports.minimumClients)));
    } else reply.send(report);
  }
}
