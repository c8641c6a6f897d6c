import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { Roles } from '../auth/auth.guard';
import { CodedHttpException } from '../http';
import { LimitQueryDto } from '../query';
import { AuditEntry, AuditTrail } from './audit';

export class AuditQueryDto extends LimitQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) userId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) agencyId?: string;
  @ApiPropertyOptional({ description: 'The record acted on or read: a client id, a referral id…' }) @IsOptional() @IsString() @MaxLength(200) recordId?: string;
  @ApiPropertyOptional({ enum: ['allowed', 'refused', 'failed'] }) @IsOptional() @IsIn(['allowed', 'refused', 'failed']) outcome?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true }) to?: string;
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
  constructor(private readonly audit: AuditTrail) {}

  @Get()
  @Roles('coordinator')
  @ApiOperation({ summary: "The audit trail of this service, newest first: every state-changing request and every read of a client's data, allowed or refused (coordinators)" })
  @ApiOkResponse({ type: [AuditEntryView] })
  async list(@Query() q: AuditQueryDto): Promise<AuditEntry[]> {
    if (q.from && q.to && new Date(q.from) > new Date(q.to)) {
      throw new CodedHttpException(400, 'AUDIT.INVERTED_PERIOD', 'from must not be after to.');
    }
    return this.audit.list(q);
  }
}
