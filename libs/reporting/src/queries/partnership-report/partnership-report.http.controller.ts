import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Roles } from '@umbrella/platform';
import { REPORT_READERS } from '../../access/reporting.access-policy';
import { flattenPublished, toCsv } from '../../report/csv';
import { ReportFilterDto, TimelineFilterDto } from '../../report/report-filter.dto';
import { PartnershipSummary, PublishedAgencyFigures, ReportService } from '../../report/report.service';

interface Reply {
  header(name: string, value: string): Reply;
  send(body: unknown): void;
}

const AGENCY_COLUMNS = [
  'agencyId', 'stakeholderType', 'region', 'sent', 'received', 'accepted', 'rejected', 'expired', 'completed', 'enteredInError',
  'timeToAnswerSeconds.median', 'timeToAnswerSeconds.p90', 'capacityRefusalShare', 'refusals', 'outcomesCredited', 'outcomesContributedTo',
];

/**
 * The partnership summary and the per-agency view, as JSON or CSV (`format=csv`); no personal
 * data, and no figure resting on fewer than k distinct clients (null and named in `suppressed` in
 * JSON, `<k` in CSV).
 */
@ApiTags('reports')
@ApiBearerAuth()
@Roles(...REPORT_READERS)
@Controller('reports')
export class PartnershipReportHttpController {
  constructor(private readonly reports: ReportService) {}

  @Get('summary')
  @ApiOperation({ summary: 'Partnership summary: referrals, answers, time to answer, refusals by rule, outcomes, the under-25 goal, key-worker continuity' })
  @ApiProduces('application/json', 'text/csv')
  async summary(@Query() filter: ReportFilterDto, @Res() reply: Reply): Promise<void> {
    const report: PartnershipSummary = await this.reports.summary(filter);
    if (filter.format === 'csv') send(reply, 'summary', toCsv(['metric', 'value'], flattenPublished(report, report.minimumClients, ['filters', 'minimumClients'])));
    else reply.send(report);
  }

  @Get('agencies')
  @ApiOperation({ summary: 'Per-agency view: the same figures for each agency in the selection' })
  @ApiProduces('application/json', 'text/csv')
  async agencies(@Query() filter: ReportFilterDto, @Res() reply: Reply): Promise<void> {
    const rows: PublishedAgencyFigures[] = await this.reports.perAgency(filter);
    if (filter.format === 'csv') {
      const flat = rows.map((r) => Object.fromEntries(flattenPublished(r, this.reports.minimumClients).map((m) => [m.metric, m.value])));
      send(reply, 'agencies', toCsv(AGENCY_COLUMNS, flat));
    } else reply.send(rows);
  }

  @Get('timeline')
  @ApiOperation({ summary: 'The main figures per day, week or month (oldest first), as the dashboard charts them' })
  @ApiProduces('application/json', 'text/csv')
  async timeline(@Query() filter: TimelineFilterDto, @Res() reply: Reply): Promise<void> {
    const points = await this.reports.timeline(filter);
    if (filter.format === 'csv') {
      const flat = points.map((p) => Object.fromEntries(flattenPublished(p, this.reports.minimumClients).map((m) => [m.metric, m.value])));
      send(reply, 'timeline', toCsv(TIMELINE_COLUMNS, flat));
    } else reply.send(points);
  }
}

const TIMELINE_COLUMNS = ['period', 'sent', 'received', 'accepted', 'rejected', 'completed', 'outcomesCredited'];

function send(reply: Reply, name: string, csv: string): void {
  reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="umbrella-${name}.csv"`).send(csv);
}
