import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, MaxLength, Min } from 'class-validator';
import { DOMAINS_OF_SUPPORT, DomainOfSupport, STAKEHOLDER_TYPES, StakeholderType } from '../domains';
import { AGE_BANDS, AgeBand } from './client.events';
import { REFERRAL_REASONS, REFERRAL_STATUSES_V, ReferralReason, ReferralStatusV } from './referral.events';
import { REFERRAL_ANSWERS, ReferralAnswer } from '../vocabulary/referral';

/**
 * One referral as it stands after a step of its lifecycle, flattened for analysts. It names no
 * client — not even the pseudonymous id — so a downstream store cannot follow a person across
 * referrals; the client's age band is the only client attribute. Agency attributes are those
 * reporting knew when the fact was recorded.
 */
export class ReferralFactV1 {
  @IsUUID() referralId: string;
  /** Counts the facts of one referral, from 1: the highest is the referral's current state. */
  @IsInt() @Min(1) sequence: number;
  @IsString() @MaxLength(100) fromAgencyId: string;
  @IsOptional() @IsIn(STAKEHOLDER_TYPES) fromStakeholderType?: StakeholderType;
  @IsOptional() @IsString() @MaxLength(100) fromRegion?: string;
  @IsString() @MaxLength(100) toAgencyId: string;
  @IsOptional() @IsIn(STAKEHOLDER_TYPES) toStakeholderType?: StakeholderType;
  @IsOptional() @IsString() @MaxLength(100) toRegion?: string;
  @IsIn(DOMAINS_OF_SUPPORT) domain: DomainOfSupport;
  @IsOptional() @IsIn(AGE_BANDS) clientAgeBand?: AgeBand;
  @IsIn(REFERRAL_STATUSES_V) status: ReferralStatusV;
  @IsBoolean() waitlisted: boolean;
  @IsISO8601({ strict: true }) requestedAt: string;
  @IsOptional() @IsIn(REFERRAL_ANSWERS) answer?: ReferralAnswer;
  @IsOptional() @IsISO8601({ strict: true }) answeredAt?: string;
  @IsOptional() @IsInt() @Min(0) secondsToAnswer?: number;
  @IsOptional() @IsIn(REFERRAL_REASONS) rejectReason?: ReferralReason;
  @IsOptional() @IsISO8601({ strict: true }) closedAt?: string;
}
