import { ApiPropertyOptional } from '@nestjs/swagger';
import { DOMAINS_OF_SUPPORT, DomainOfSupport } from '@umbrella/contracts';
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
