import {
  IsBoolean,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  registerDecorator,
  ValidateIf,
  ValidationArguments,
} from 'class-validator';
import { DOMAINS_OF_SUPPORT, DomainOfSupport } from '../domains';
import { AGENCY_ID } from './agency.events';
import { AGE_BANDS, CONSENT_PURPOSES, CONSENT_EVIDENCE, CONSENT_WITHDRAWAL_REASONS, MILESTONES, BARRIER_MILESTONES, AgeBand, ConsentPurpose, ConsentEvidence, ConsentWithdrawalReason, Milestone } from '../vocabulary/client';
import { PSEUDONYMOUS_ID, PSEUDONYMOUS_ID_MESSAGE } from './referral.events';

/*
 * Client events carry the pseudonymous client id and derived, non-identifying attributes only.
 * A name, date of birth, contact detail or postcode never appears here: they stay encrypted in
 * client-journey's own table, so erasing a client leaves these streams valid and clean.
 */

export { AGE_BANDS, CONSENT_PURPOSES, CONSENT_EVIDENCE, CONSENT_WITHDRAWAL_REASONS, MILESTONES, BARRIER_MILESTONES } from '../vocabulary/client';
export type { AgeBand, ConsentPurpose, ConsentEvidence, ConsentWithdrawalReason, Milestone } from '../vocabulary/client';

/** A calendar date (YYYY-MM-DD) that exists. */
export const CALENDAR_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** Region codes are postcode areas (e.g. `NB`, `SW`, or the first two digits of a numeric postcode). */
export const REGION_CODE = /^[A-Z]{1,2}$|^\d{2}$/;

/**
 * A consent covers exactly one agency or one domain of support. Put on `agencyId`: it checks that
 * exactly one of `agencyId` and `domain` is given, and that an agency id is well formed.
 */
export function IsConsentScope(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isConsentScope',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          const o = args.object as { agencyId?: unknown; domain?: unknown };
          if ((o.agencyId === undefined) === (o.domain === undefined)) return false;
          return value === undefined || (typeof value === 'string' && AGENCY_ID.test(value));
        },
        defaultMessage(args: ValidationArguments) {
          const o = args.object as { agencyId?: unknown; domain?: unknown };
          return (o.agencyId === undefined) === (o.domain === undefined)
            ? 'give exactly one of agencyId (an agency) or domain (a domain of support)'
            : 'agencyId must be an agency id (lowercase letters, digits, dashes)';
        },
      },
    });
}

export class ClientRegisteredV1 {
  @Matches(PSEUDONYMOUS_ID, { message: `clientId ${PSEUDONYMOUS_ID_MESSAGE}` })
  clientId: string;

  @IsIn(AGE_BANDS)
  ageBand: AgeBand;

  @IsBoolean()
  under25: boolean;

  @Matches(REGION_CODE, { message: 'region must be a postcode area code' })
  region: string;

  @Matches(AGENCY_ID, { message: 'registeredByAgencyId must be an agency id' })
  registeredByAgencyId: string;

  @IsISO8601({ strict: true })
  registeredAt: string;
}

export class ConsentGivenV1 {
  @Matches(PSEUDONYMOUS_ID, { message: `clientId ${PSEUDONYMOUS_ID_MESSAGE}` })
  clientId: string;

  @IsUUID()
  consentId: string;

  @IsConsentScope()
  agencyId?: string;

  @ValidateIf((o: ConsentGivenV1) => o.domain !== undefined)
  @IsIn(DOMAINS_OF_SUPPORT)
  domain?: DomainOfSupport;

  @IsIn(CONSENT_PURPOSES)
  purpose: ConsentPurpose;

  @IsIn(CONSENT_EVIDENCE)
  evidence: ConsentEvidence;

  @Matches(AGENCY_ID, { message: 'recordedByAgencyId must be an agency id' })
  recordedByAgencyId: string;

  @IsISO8601({ strict: true })
  givenAt: string;
}

/** Carries the scope it ends, so a consumer can act on it without having kept the ConsentGiven. */
export class ConsentWithdrawnV1 {
  @Matches(PSEUDONYMOUS_ID, { message: `clientId ${PSEUDONYMOUS_ID_MESSAGE}` })
  clientId: string;

  @IsUUID()
  consentId: string;

  @IsConsentScope()
  agencyId?: string;

  @ValidateIf((o: ConsentWithdrawnV1) => o.domain !== undefined)
  @IsIn(DOMAINS_OF_SUPPORT)
  domain?: DomainOfSupport;

  @IsIn(CONSENT_PURPOSES)
  purpose: ConsentPurpose;

  @IsIn(CONSENT_WITHDRAWAL_REASONS)
  reason: ConsentWithdrawalReason;

  @IsIn(CONSENT_EVIDENCE)
  evidence: ConsentEvidence;

  /** Absent when a partnership coordinator (no agency) erased the client. */
  @IsOptional()
  @Matches(AGENCY_ID, { message: 'recordedByAgencyId must be an agency id' })
  recordedByAgencyId?: string;

  @IsISO8601({ strict: true })
  withdrawnAt: string;
}

/** The lead agency is the key worker's agency (UA-3); a change of lead is a new assignment naming the previous one. */
export class KeyWorkerAssignedV1 {
  @Matches(PSEUDONYMOUS_ID, { message: `clientId ${PSEUDONYMOUS_ID_MESSAGE}` })
  clientId: string;

  @IsUUID()
  assignmentId: string;

  @Matches(AGENCY_ID, { message: 'leadAgencyId must be an agency id' })
  leadAgencyId: string;

  /** The caseworker's user id at the identity provider (staff, not the client); as free as an actor's userId. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  keyWorkerId: string;

  @IsOptional()
  @IsUUID()
  previousAssignmentId?: string;

  @IsOptional()
  @Matches(AGENCY_ID, { message: 'previousLeadAgencyId must be an agency id' })
  previousLeadAgencyId?: string;

  @IsISO8601({ strict: true })
  assignedAt: string;
}

/**
 * A step in the client's journey. Outcomes are credited to the lead agency at the time (UA-10);
 * the recording agency is a contributor. Age band and under-25 are as on the day it happened.
 */
export class MilestoneRecordedV1 {
  @Matches(PSEUDONYMOUS_ID, { message: `clientId ${PSEUDONYMOUS_ID_MESSAGE}` })
  clientId: string;

  @IsUUID()
  milestoneId: string;

  @IsIn(MILESTONES)
  milestone: Milestone;

  /** The domain of support it concerns: required for a barrier (housing, health…), optional otherwise. */
  @ValidateIf((o: MilestoneRecordedV1) => BARRIER_MILESTONES.includes(o.milestone) || o.domain !== undefined)
  @IsIn(DOMAINS_OF_SUPPORT)
  domain?: DomainOfSupport;

  @Matches(CALENDAR_DATE, { message: 'occurredOn must be a date (YYYY-MM-DD)' })
  @IsISO8601({ strict: true })
  occurredOn: string;

  @Matches(AGENCY_ID, { message: 'recordedByAgencyId must be an agency id' })
  recordedByAgencyId: string;

  @Matches(AGENCY_ID, { message: 'leadAgencyId must be an agency id' })
  leadAgencyId: string;

  @IsIn(AGE_BANDS)
  ageBand: AgeBand;

  @IsBoolean()
  under25: boolean;

  @IsISO8601({ strict: true })
  recordedAt: string;
}

/** The client's personal data was destroyed; everything else about them stays pseudonymous and valid. */
export class ClientErasedV1 {
  @Matches(PSEUDONYMOUS_ID, { message: `clientId ${PSEUDONYMOUS_ID_MESSAGE}` })
  clientId: string;

  @IsISO8601({ strict: true })
  erasedAt: string;
}
