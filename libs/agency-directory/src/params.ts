import { AGENCY_ID, AGREEMENT_VERSION } from '@umbrella/contracts';
import { IsUuid } from '@umbrella/platform';
import { Matches } from 'class-validator';

export class AgencyIdParam {
  @Matches(AGENCY_ID, { message: 'agencyId must be an agency id (lowercase letters, digits, dashes)' })
  agencyId: string;
}

export class ServiceIdParam {
  @IsUuid('id must be a service id (UUID)')
  id: string;
}

export class SignatureParams extends AgencyIdParam {
  @Matches(AGREEMENT_VERSION, { message: 'version must be an agreement version' })
  version: string;
}
