import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DOMAINS_OF_SUPPORT, DomainOfSupport, PSEUDONYMOUS_ID, PSEUDONYMOUS_ID_MESSAGE, AGENCY_ID } from '@umbrella/contracts';
import { IsUuid } from '@umbrella/platform';
import { IsBoolean, IsIn, IsOptional, IsString, Matches } from 'class-validator';

export class RequestReferralRequestDto {
  @ApiProperty({ example: 'c-7f3a9b21', description: 'The client’s pseudonymous id (never a name or national id)' })
  @IsString()
  @Matches(PSEUDONYMOUS_ID, { message: `clientId ${PSEUDONYMOUS_ID_MESSAGE}` })
  clientId: string;

  @ApiProperty({ example: 'northbridge-jobcentre', description: 'The referring agency' })
  @IsString()
  @Matches(AGENCY_ID, { message: 'fromAgencyId must be an agency id (lowercase letters, digits, dashes)' })
  fromAgencyId: string;

  @ApiProperty({ example: 'harbour-skills-college', description: 'The agency asked to work with the client' })
  @IsString()
  @Matches(AGENCY_ID, { message: 'toAgencyId must be an agency id (lowercase letters, digits, dashes)' })
  toAgencyId: string;

  @ApiProperty({ enum: DOMAINS_OF_SUPPORT })
  @IsIn(DOMAINS_OF_SUPPORT)
  domain: DomainOfSupport;

  @ApiPropertyOptional({ description: 'The directory service the client is referred to (its capacity is checked: UA-7)' })
  @IsOptional()
  @IsUuid('serviceId must be a service id (UUID)')
  serviceId?: string;

  @ApiPropertyOptional({ default: false, description: 'Accepting this referral hands the lead of the case to the receiving agency (UA-3); only the lead may ask' })
  @IsOptional()
  @IsBoolean()
  handsOverLead?: boolean;
}
