import { ApiPropertyOptional } from '@nestjs/swagger';
import { AGENCY_ID } from '@umbrella/contracts';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class AssignKeyWorkerRequestDto {
  @ApiPropertyOptional({ example: 'sam.college', description: 'Your own user id, if given: a caseworker becomes the key worker by taking the client on themselves' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^\S+$/, { message: 'keyWorkerId must be a user id without spaces' })
  keyWorkerId?: string;

  @ApiPropertyOptional({ example: 'northbridge-jobcentre', description: 'Your agency, the lead, if given: the lead moves to another agency only by a handover referral (409 CLIENT.LEAD_MOVES_BY_REFERRAL)' })
  @IsOptional()
  @Matches(AGENCY_ID, { message: 'leadAgencyId must be an agency id (lowercase letters, digits, dashes)' })
  leadAgencyId?: string;
}
