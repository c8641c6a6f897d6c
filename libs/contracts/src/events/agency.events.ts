import { IsIn, IsISO8601, IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { STAKEHOLDER_TYPES, StakeholderType } from '../domains';

export const AGENCY_ID = /^[a-z0-9][a-z0-9-]{1,99}$/;

export class AgencyRegisteredV1 {
  @Matches(AGENCY_ID, { message: 'agencyId must be a slug of lowercase letters, digits and dashes' })
  agencyId: string;

  /** An agency's name is organisational, not personal data. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @IsIn(STAKEHOLDER_TYPES)
  stakeholderType: StakeholderType;

  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  region: string;

  @IsISO8601({ strict: true })
  registeredAt: string;
}
