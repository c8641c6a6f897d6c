import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Database, Roles } from '@umbrella/platform';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { Messaging } from './messaging.service';

export class DeadLetterQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) consumer?: string;
  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class DeadLetterView {
  @ApiProperty() id: string;
  @ApiProperty() consumer: string;
  @ApiProperty() topic: string;
  @ApiProperty() partition: number;
  @ApiProperty() offset: string;
  @ApiProperty({ nullable: true, type: String }) key: string | null;
  @ApiProperty({ nullable: true, type: String }) eventId: string | null;
  @ApiProperty({ nullable: true, type: String }) eventType: string | null;
  @ApiProperty() reason: string;
  @ApiProperty() failedAt: string;
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
    const rows: Record<string, unknown>[] = await this.database.dataSource.query(
      `SELECT id::text, consumer, topic, kafka_partition, kafka_offset, message_key, event_id, event_type, reason, failed_at
         FROM dead_letter WHERE ($1::text IS NULL OR consumer = $1) ORDER BY id DESC LIMIT $2`,
      [q.consumer ?? null, q.limit ?? 100],
    );
    return rows.map((r) => ({
      id: r.id as string,
      consumer: r.consumer as string,
      topic: r.topic as string,
      partition: r.kafka_partition as number,
      offset: r.kafka_offset as string,
      key: r.message_key as string | null,
      eventId: r.event_id as string | null,
      eventType: r.event_type as string | null,
      reason: r.reason as string,
      failedAt: (r.failed_at as Date).toISOString(),
    }));
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4')
  @ApiOperation({ summary: 'Delivery metrics in the Prometheus text format (operators)' })
  async metrics(): Promise<string> {
    const [{ waiting, dead }] = await this.database.dataSource.query(
      `SELECT (SELECT count(*) FROM outbox WHERE published_at IS NULL)::int AS waiting, (SELECT count(*) FROM dead_letter)::int AS dead`,
    );
    const lines = [
      '# HELP umbrella_outbox_waiting Events committed but not yet published to Kafka.',
      '# TYPE umbrella_outbox_waiting gauge',
      `umbrella_outbox_waiting ${waiting}`,
      '# HELP umbrella_outbox_published_total Events this instance published to Kafka.',
      '# TYPE umbrella_outbox_published_total counter',
      `umbrella_outbox_published_total ${this.messaging.relay?.published ?? 0}`,
      '# HELP umbrella_dead_letters Messages this service has dead-lettered.',
      '# TYPE umbrella_dead_letters gauge',
      `umbrella_dead_letters ${dead}`,
      '# HELP umbrella_consumed_total Messages consumed by this instance, by consumer and outcome.',
      '# TYPE umbrella_consumed_total counter',
      ...this.messaging.consumerCounts().flatMap(({ name, counts }) =>
        Object.entries(counts).map(([outcome, n]) => `umbrella_consumed_total{consumer="${name}",outcome="${outcome}"} ${n}`),
      ),
    ];
    return `${lines.join('\n')}\n`;
  }
}
