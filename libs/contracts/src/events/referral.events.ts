import { IsArray, IsBoolean, IsIn, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { DOMAINS_OF_SUPPORT, DomainOfSupport } from '../domains';
import { REFERRAL_REASONS, REFERRAL_STATUSES as REFERRAL_STATUSES_V, ReferralReason, ReferralStatus as ReferralStatusV } from '../vocabulary/referral';

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

export { REFERRAL_REASONS, REFERRAL_STATUSES_V };
export type { ReferralReason, ReferralStatusV };

/** v2 adds what the agreement decided: the answer deadline (UA-8), a waitlist place (UA-7) and a lead handover (UA-3). */
export class ReferralRequestedV2 extends ReferralRequestedV1 {
  @IsISO8601({ strict: true })
  respondBy: string;

  @IsBoolean()
  waitlisted: boolean;

  @IsBoolean()
  handsOverLead: boolean;
}

/** One step of the lifecycle; the event type names the step (ReferralAccepted, ReferralRejected, …). */
export class ReferralTransitionV1 {
  @IsUUID() referralId: string;
  @Matches(PSEUDONYMOUS_ID, { message: `clientId ${PSEUDONYMOUS_ID_MESSAGE}` }) clientId: string;
  @IsString() @MaxLength(100) fromAgencyId: string;
  @IsString() @MaxLength(100) toAgencyId: string;
  @IsIn(DOMAINS_OF_SUPPORT) domain: DomainOfSupport;
  @IsIn(REFERRAL_STATUSES_V) previousStatus: ReferralStatusV;
  @IsIn(REFERRAL_STATUSES_V) status: ReferralStatusV;
  /** The agency that acted; absent when the platform acted (expiry). */
  @IsOptional() @IsString() @MaxLength(100) byAgencyId?: string;
  @IsOptional() @IsIn(REFERRAL_REASONS) reason?: ReferralReason;
  @IsISO8601({ strict: true }) at: string;
}

export class ClaimGrantedV1 {
  @Matches(PSEUDONYMOUS_ID, { message: `clientId ${PSEUDONYMOUS_ID_MESSAGE}` }) clientId: string;
  @IsString() @MaxLength(100) agencyId: string;
  @IsIn(DOMAINS_OF_SUPPORT) domain: DomainOfSupport;
  @IsBoolean() exclusive: boolean;
  @IsOptional() @IsUUID() referralId?: string;
  @IsISO8601({ strict: true }) grantedAt: string;
}

export class ClaimReleasedV1 {
  @Matches(PSEUDONYMOUS_ID, { message: `clientId ${PSEUDONYMOUS_ID_MESSAGE}` }) clientId: string;
  @IsString() @MaxLength(100) agencyId: string;
  @IsIn(DOMAINS_OF_SUPPORT) domain: DomainOfSupport;
  @IsIn(['handed-over', 'referral-closed', 'released']) reason: string;
  @IsISO8601({ strict: true }) releasedAt: string;
}

export class LeadHandedOverV1 {
  @Matches(PSEUDONYMOUS_ID, { message: `clientId ${PSEUDONYMOUS_ID_MESSAGE}` }) clientId: string;
  @IsOptional() @IsString() @MaxLength(100) fromAgencyId?: string;
  @IsString() @MaxLength(100) toAgencyId: string;
  @IsOptional() @IsUUID() referralId?: string;
  @IsISO8601({ strict: true }) at: string;
}

/** Every decision the agreement engine takes — grants and refusals — with its rule and the agreement version. */
export class AgreementDecisionRecordedV1 {
  @IsUUID() decisionId: string;
  @Matches(PSEUDONYMOUS_ID, { message: `clientId ${PSEUDONYMOUS_ID_MESSAGE}` }) clientId: string;
  @IsString() @MaxLength(50) command: string;
  @IsIn(['allowed', 'refused']) outcome: 'allowed' | 'refused';
  /** The rule that refused (UA-1…UA-10) or a lifecycle code; absent when allowed. */
  @IsOptional() @IsString() @MaxLength(60) code?: string;
  @IsArray() @IsString({ each: true }) rulesChecked: string[];
  @IsString() @MaxLength(500) reason: string;
  @IsOptional() @IsString() @MaxLength(100) agencyId?: string;
  @IsOptional() @IsUUID() referralId?: string;
  @IsOptional() @IsIn(DOMAINS_OF_SUPPORT) domain?: DomainOfSupport;
  @IsISO8601({ strict: true }) decidedAt: string;
}

export class OutcomeCreditedV1 {
  @Matches(PSEUDONYMOUS_ID, { message: `clientId ${PSEUDONYMOUS_ID_MESSAGE}` }) clientId: string;
  @IsUUID() milestoneId: string;
  @IsString() @MaxLength(60) outcome: string;
  @IsString() @MaxLength(100) creditedAgencyId: string;
  @IsArray() @IsString({ each: true }) contributingAgencyIds: string[];
  @IsISO8601({ strict: true }) occurredAt: string;
}

/** A coordinator published a version of the umbrella agreement; it is active from now on. */
export class AgreementPublishedV1 {
  @Matches(/^[a-z0-9][a-z0-9-]{2,99}$/) agreementId: string;
  @Matches(/^[0-9A-Za-z.-]{1,20}$/) version: string;
  @IsString() effectiveFrom: string;
  @IsObject() document: Record<string, unknown>;
  @IsISO8601({ strict: true }) publishedAt: string;
}
