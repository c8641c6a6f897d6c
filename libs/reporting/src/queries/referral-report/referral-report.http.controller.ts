import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { DOMAINS_OF_SUPPORT, DomainOfSupport } from '@umbrella/contracts';
import { Roles } from '@umbrella/platform';
import { REPORT_READERS } from '../../access/reporting.access-policy';
import { flattenPublished, toCsv } from '../../report/csv';
import { ReportService } from '../../report/report.service';
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
