import { ApiPropertyOptional } from '@nestjs/swagger';
import { AGE_BANDS, AgeBand, DOMAINS_OF_SUPPORT, DomainOfSupport, STAKEHOLDER_TYPES, StakeholderType } from '@umbrella/contracts';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { Interval, INTERVALS } from './timeline';

/**
 * The filters every report takes. Period, domain and age band select facts; region, agency and
 * stakeholder type select the agencies the view is about. Unknown query parameters are refused by
 * the validation pipe; unknown values of a closed list here, and of agencies and regions in the
 * report service.
 */
export class ReportFilterDto {
  @ApiPropertyOptional({ description: 'start of the period (ISO 8601), inclusive' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or time' })
  from?: string;

  @ApiPropertyOptional({ description: 'end of the period (ISO 8601), inclusive' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or time' })
  to?: string;

  @ApiPropertyOptional({ description: "agencies' region" })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  region?: string;

  @ApiPropertyOptional({ description: 'one agency id' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  agency?: string;

  @ApiPropertyOptional({ enum: STAKEHOLDER_TYPES })
  @IsOptional()
  @IsIn(STAKEHOLDER_TYPES)
  stakeholderType?: StakeholderType;

  @ApiPropertyOptional({ enum: DOMAINS_OF_SUPPORT })
  @IsOptional()
  @IsIn(DOMAINS_OF_SUPPORT)
  domain?: DomainOfSupport;

  @ApiPropertyOptional({ enum: AGE_BANDS, description: "the client's age band at registration" })
  @IsOptional()
  @IsIn(AGE_BANDS)
  ageBand?: AgeBand;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class TimelineFilterDto extends ReportFilterDto {
  @ApiPropertyOptional({ enum: INTERVALS, default: 'week' })
  @IsOptional()
  @IsIn(INTERVALS)
  interval?: Interval;
}
