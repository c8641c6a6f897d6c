import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { DOMAINS_OF_SUPPORT, DomainOfSupport } from '../domains';
import { EventEnvelope } from '../envelope';

/** Pseudonymous ids are opaque tokens; they must never be a name, e-mail or national id. */
export const PSEUDONYMOUS_ID = /^[a-z0-9][a-z0-9-]{2,63}$/;
export const PSEUDONYMOUS_ID_MESSAGE = 'must be a pseudonymous id (3-64 lowercase letters, digits or dashes)';

export class ReferralRequestedV1 {
  @IsUUID()
  referralId: string;

  @Matches(PSEUDONYMOUS_ID, { message: `clientId ${PSEUDONYMOUS_ID_MESSAGE}` })
  clientId: string;

  @IsString()
  @MaxLength(100)
  fromAgencyId: string;

  @IsString()
  @MaxLength(100)
  toAgencyId: string;

  @IsIn(DOMAINS_OF_SUPPORT)
  domain: DomainOfSupport;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  serviceId?: string;

  @IsISO8601({ strict: true })
  requestedAt: string;
}

export type ReferralRequested = EventEnvelope<'ReferralRequested', ReferralRequestedV1>;
