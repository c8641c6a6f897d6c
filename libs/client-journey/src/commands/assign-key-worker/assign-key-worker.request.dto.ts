import { ApiPropertyOptional } from '@nestjs/swagger';
import { AGENCY_ID } from '@umbrella/contracts';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class AssignKeyWorkerRequestDto {
  @ApiPropertyOptional({ example: 'sam.college', description: 'The caseworker’s user id; defaults to you when your agency keeps the lead' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^\S+$/, { message: 'keyWorkerId must be a user id without spaces' })
  keyWorkerId?: string;

  @ApiPropertyOptional({ example: 'harbour-skills-college', description: 'Hand the lead to this agency (it must see the client); defaults to your agency' })
  @IsOptional()
  @Matches(AGENCY_ID, { message: 'leadAgencyId must be an agency id (lowercase letters, digits, dashes)' })
  leadAgencyId?: string;
}
