import { ApiPropertyOptional } from '@nestjs/swagger';
import { DOMAINS_OF_SUPPORT, DomainOfSupport, STAKEHOLDER_TYPES, StakeholderType } from '@umbrella/contracts';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class ImportHsdsQueryDto {
  @ApiPropertyOptional({ description: 'Region of organizations that do not name one' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  region: string;

  @ApiPropertyOptional({ enum: STAKEHOLDER_TYPES, default: 'ngo' })
  @IsOptional()
  @IsIn(STAKEHOLDER_TYPES)
  stakeholderType?: StakeholderType;

  @ApiPropertyOptional({ enum: DOMAINS_OF_SUPPORT, default: 'employment-case-management' })
  @IsOptional()
  @IsIn(DOMAINS_OF_SUPPORT)
  domain?: DomainOfSupport;
}
