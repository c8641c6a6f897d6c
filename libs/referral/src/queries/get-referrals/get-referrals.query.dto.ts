import { AGENCY_ID, PSEUDONYMOUS_ID } from '@umbrella/contracts';
import { IsOptional, Matches } from 'class-validator';

export class ListReferralsQueryDto {
  @IsOptional()
  @Matches(PSEUDONYMOUS_ID, { message: 'clientId must be a pseudonymous id' })
  clientId?: string;

  @IsOptional()
  @Matches(AGENCY_ID, { message: 'agencyId must be an agency id' })
  agencyId?: string;
}
