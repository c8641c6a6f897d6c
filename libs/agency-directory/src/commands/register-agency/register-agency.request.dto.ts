import { ApiProperty } from '@nestjs/swagger';
import { AGENCY_ID } from '@umbrella/contracts';
import { IsString, Matches } from 'class-validator';
import { AgencyProfileDto } from '../update-agency/update-agency.request.dto';

export class RegisterAgencyRequestDto extends AgencyProfileDto {
  @ApiProperty({ example: 'northbridge-jobcentre', description: 'A stable slug chosen by the agency' })
  @IsString()
  @Matches(AGENCY_ID, { message: 'id must be a slug of lowercase letters, digits and dashes (2-100)' })
  id: string;
}
