import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { DOMAINS_OF_SUPPORT, DomainOfSupport, STAKEHOLDER_TYPES, StakeholderType, TARGET_GROUPS, TargetGroup } from '../domains';
import { AGENCY_ID } from './agency.events';

/** A code of the needs taxonomy, e.g. `skills-and-training`. */
export const NEED_CODE = /^[a-z0-9][a-z0-9-]{1,63}$/;

export const SERVICE_STATUSES = ['active', 'inactive', 'defunct', 'temporarily closed'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

export class AgencyUpdatedV1 {
  @Matches(AGENCY_ID) agencyId: string;
  @IsString() @IsNotEmpty() @MaxLength(200) name: string;
  @IsIn(STAKEHOLDER_TYPES) stakeholderType: StakeholderType;
  @IsString() @IsNotEmpty() @MaxLength(100) region: string;
  @IsISO8601({ strict: true }) updatedAt: string;
}

export class CapacitySnapshotV1 {
  @IsInt() @Min(0) available: number;
  @IsOptional() @IsInt() @Min(0) maximum?: number;
  @IsBoolean() waitlistAllowed: boolean;
}

/** What the referral service needs of a service to route and check capacity (UA-7). */
export class ServiceSnapshotV1 {
  @IsUUID() serviceId: string;
  @Matches(AGENCY_ID) agencyId: string;
  @IsString() @IsNotEmpty() @MaxLength(200) name: string;
  @IsIn(SERVICE_STATUSES) status: ServiceStatus;
  @IsIn(DOMAINS_OF_SUPPORT) domain: DomainOfSupport;
  @IsArray() @ArrayMaxSize(50) @Matches(NEED_CODE, { each: true }) needs: string[];
  @IsArray() @ArrayMaxSize(20) @IsIn(TARGET_GROUPS, { each: true }) targetGroups: TargetGroup[];
  @IsOptional() @IsInt() @Min(0) minimumAge?: number;
  @IsOptional() @IsInt() @Min(0) maximumAge?: number;
  @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(100, { each: true }) serviceAreas: string[];
  @ValidateNested() @Type(() => CapacitySnapshotV1) capacity: CapacitySnapshotV1;
}

export class ServiceOfferedV1 extends ServiceSnapshotV1 {
  @IsISO8601({ strict: true }) offeredAt: string;
}

export class ServiceUpdatedV1 extends ServiceSnapshotV1 {
  @IsISO8601({ strict: true }) updatedAt: string;
}

export class ServiceWithdrawnV1 {
  @IsUUID() serviceId: string;
  @Matches(AGENCY_ID) agencyId: string;
  @IsISO8601({ strict: true }) withdrawnAt: string;
}

export class ServiceCapacityChangedV1 {
  @IsUUID() serviceId: string;
  @Matches(AGENCY_ID) agencyId: string;
  @IsInt() @Min(0) available: number;
  @IsOptional() @IsInt() @Min(0) maximum?: number;
  @IsBoolean() waitlistAllowed: boolean;
  @IsISO8601({ strict: true }) updatedAt: string;
}

export const AGREEMENT_VERSION = /^[0-9A-Za-z.-]{1,20}$/;

export class AgreementSignedV1 {
  @Matches(AGENCY_ID) agencyId: string;
  @Matches(AGREEMENT_VERSION) agreementVersion: string;
  @IsISO8601({ strict: true }) signedAt: string;
}

export class AgreementSignatureSuspendedV1 {
  @Matches(AGENCY_ID) agencyId: string;
  @Matches(AGREEMENT_VERSION) agreementVersion: string;
  @IsString() @IsNotEmpty() @MaxLength(500) reason: string;
  @IsISO8601({ strict: true }) suspendedAt: string;
}
