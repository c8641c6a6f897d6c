import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Database, LimitQueryDto, Roles } from '@umbrella/platform';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { DeadLetterView, listDeadLetters } from './dead-letters';
import { Messaging } from './messaging.service';
import { renderMetrics } from './metrics';

export class DeadLetterQueryDto extends LimitQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) consumer?: string;
}

/** What operators read: the service's dead letters and its delivery metrics. */
@ApiTags('operations')
@ApiBearerAuth()
@Roles('operator')
@Controller()
export class OperationsHttpController {
  constructor(
    private readonly database: Database,
    private readonly messaging: Messaging,
  ) {}

  @Get('dead-letters')
  @ApiOperation({ summary: 'Messages this service dead-lettered, newest first, with the reason (operators)' })
  @ApiOkResponse({ type: [DeadLetterView] })
  async deadLetters(@Query() q: DeadLetterQueryDto): Promise<DeadLetterView[]> {
    return listDeadLetters(this.database.dataSource, q);
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4')
  @ApiOperation({ summary: 'Delivery metrics in the Prometheus text format (operators)' })
  async metrics(): Promise<string> {
    const [{ waiting, dead }] = await this.database.dataSource.query(
      `SELECT (SELECT count(*) FROM outbox WHERE published_at IS NULL)::int AS waiting, (SELECT count(*) FROM dead_letter)::int AS dead`,
    );
    return renderMetrics({
      outboxWaiting: waiting,
      published: this.messaging.relay?.published ?? 0,
      republished: this.messaging.relay?.republished ?? 0,
      deadLetters: dead,
      consumed: this.messaging.consumerCounts(),
    });
  }
}
