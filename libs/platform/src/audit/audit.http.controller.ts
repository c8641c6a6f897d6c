import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { Roles } from '../auth/auth.guard';
import { Database } from '../database';
import { CodedHttpException } from '../http';

export class AuditQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) userId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) agencyId?: string;
  @ApiPropertyOptional({ enum: ['allowed', 'refused', 'failed'] }) @IsOptional() @IsIn(['allowed', 'refused', 'failed']) outcome?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true }) to?: string;
  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class AuditEntryView {
  @ApiProperty() id: string;
  @ApiProperty() at: string;
  @ApiProperty({ nullable: true, type: String }) userId: string | null;
  @ApiProperty({ nullable: true, type: String }) agencyId: string | null;
  @ApiProperty({ type: [String] }) roles: string[];
  @ApiProperty() method: string;
  @ApiProperty() action: string;
  @ApiProperty({ nullable: true, type: String }) recordId: string | null;
  @ApiProperty({ enum: ['allowed', 'refused', 'failed'] }) outcome: string;
  @ApiProperty() status: number;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
}

@ApiTags('operations')
@ApiBearerAuth()
@Controller('audit')
export class AuditHttpController {
  constructor(private readonly database: Database) {}

  @Get()
  @Roles('coordinator')
  @ApiOperation({ summary: 'The audit trail of state-changing requests on this service, newest first (coordinators)' })
  @ApiOkResponse({ type: [AuditEntryView] })
  async list(@Query() q: AuditQueryDto): Promise<AuditEntryView[]> {
    if (q.from && q.to && new Date(q.from) > new Date(q.to)) {
      throw new CodedHttpException(400, 'AUDIT.INVERTED_PERIOD', 'from must not be after to.');
    }
    const rows: Record<string, unknown>[] = await this.database.dataSource.query(
      `SELECT id::text, at, user_id, agency_id, roles, method, action, record_id, outcome, status, reason FROM audit_log
        WHERE ($1::text IS NULL OR user_id = $1) AND ($2::text IS NULL OR agency_id = $2) AND ($3::text IS NULL OR outcome = $3)
          AND ($4::timestamptz IS NULL OR at >= $4) AND ($5::timestamptz IS NULL OR at <= $5)
        ORDER BY at DESC, id DESC LIMIT $6`,
      [q.userId ?? null, q.agencyId ?? null, q.outcome ?? null, q.from ?? null, q.to ?? null, q.limit ?? 100],
    );
    return rows.map((r) => ({
      id: r.id as string,
      at: (r.at as Date).toISOString(),
      userId: r.user_id as string | null,
      agencyId: r.agency_id as string | null,
      roles: r.roles as string[],
      method: r.method as string,
      action: r.action as string,
      recordId: r.record_id as string | null,
      outcome: r.outcome as string,
      status: r.status as number,
      reason: r.reason as string | null,
    }));
  }
}
