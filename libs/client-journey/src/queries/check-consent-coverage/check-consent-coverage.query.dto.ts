import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AGENCY_ID, CONSENT_PURPOSES, ConsentPurpose, DOMAINS_OF_SUPPORT, DomainOfSupport } from '@umbrella/contracts';
import { IsIn, IsOptional, Matches } from 'class-validator';

export class ConsentCoverageQueryDto {
  @ApiProperty({ example: 'harbour-skills-college' })
  @Matches(AGENCY_ID, { message: 'agencyId must be an agency id (lowercase letters, digits, dashes)' })
  agencyId: string;

  @ApiPropertyOptional({ enum: DOMAINS_OF_SUPPORT })
  @IsOptional()
  @IsIn(DOMAINS_OF_SUPPORT)
  domain?: DomainOfSupport;

  @ApiPropertyOptional({ enum: CONSENT_PURPOSES })
  @IsOptional()
  @IsIn(CONSENT_PURPOSES)
  purpose?: ConsentPurpose;
}
