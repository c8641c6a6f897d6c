import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DOMAINS_OF_SUPPORT, DomainOfSupport, NEED_CODE, SERVICE_STATUSES, ServiceStatus, TARGET_GROUPS, TargetGroup } from '@umbrella/contracts';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  IsLatitude,
  IsLongitude,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export class CapacityDto {
  @ApiProperty({ minimum: 0, example: 6, description: 'Places available now' })
  @IsInt()
  @Min(0)
  @Max(100000)
  available: number;

  @ApiPropertyOptional({ minimum: 0, example: 12 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100000)
  maximum?: number;

  @ApiPropertyOptional({ default: false, description: 'Whether referrals are waitlisted when no place is available' })
  @IsOptional()
  @IsBoolean()
  waitlistAllowed?: boolean;
}

export class LocationDto {
  @ApiProperty({ example: 'Harbour Skills College, Quay Campus' }) @IsString() @IsNotEmpty() @MaxLength(200) name: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) description?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) address1?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) city?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20) postalCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) country?: string;
  @ApiPropertyOptional() @IsOptional() @IsLatitude() latitude?: number;
  @ApiPropertyOptional() @IsOptional() @IsLongitude() longitude?: number;
}

/** An organisational contact point (a desk or a role), not a private person's details. */
export class ContactDto {
  @ApiPropertyOptional({ example: 'Referrals desk' }) @IsOptional() @IsString() @MaxLength(200) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) title?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) department?: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() @MaxLength(200) email?: string;
  @ApiPropertyOptional({ example: '+44 1632 960000' })
  @IsOptional()
  @Matches(/^\+?[0-9 ()-]{5,30}$/, { message: 'phone must be a telephone number' })
  phone?: string;
}

export class ServiceRequestDto {
  @ApiProperty({ example: 'Basic skills for work' }) @IsString() @IsNotEmpty() @MaxLength(200) name: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) description?: string;

  @ApiPropertyOptional({ enum: SERVICE_STATUSES, default: 'active' })
  @IsOptional()
  @IsIn(SERVICE_STATUSES)
  status?: ServiceStatus;

  @ApiProperty({ enum: DOMAINS_OF_SUPPORT, description: 'The domain of support of the umbrella agreement this service belongs to' })
  @IsIn(DOMAINS_OF_SUPPORT)
  domain: DomainOfSupport;

  @ApiProperty({ type: [String], example: ['skills-and-training', 'confidence-and-motivation'], description: 'Codes of the needs taxonomy' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(15)
  @ArrayUnique()
  @Matches(NEED_CODE, { each: true, message: 'each need must be a taxonomy term code' })
  needs: string[];

  @ApiPropertyOptional({ enum: TARGET_GROUPS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsIn(TARGET_GROUPS, { each: true })
  targetGroups?: TargetGroup[];

  @ApiPropertyOptional({ minimum: 0, maximum: 120 }) @IsOptional() @IsInt() @Min(0) @Max(120) minimumAge?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 120 }) @IsOptional() @IsInt() @Min(0) @Max(120) maximumAge?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) eligibilityDescription?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) applicationProcess?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) feesDescription?: string;
  @ApiPropertyOptional() @IsOptional() @IsUrl({ require_protocol: true }) @MaxLength(500) url?: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() @MaxLength(200) email?: string;

  @ApiProperty({ type: [String], example: ['northbridge'], description: 'Areas (regions, districts) the service covers' })
  @IsArray()
  @ArrayMaxSize(30)
  @ArrayUnique()
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(100, { each: true })
  serviceAreas: string[];

  @ApiPropertyOptional({ type: [LocationDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  // nested validation takes an array inside the array for a list of its own: each must be an object
  @IsObject({ each: true, message: 'each of locations must be an object' })
  @ValidateNested({ each: true })
  @Type(() => LocationDto)
  locations?: LocationDto[];

  @ApiPropertyOptional({ type: [ContactDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  // nested validation takes an array inside the array for a list of its own: each must be an object
  @IsObject({ each: true, message: 'each of contacts must be an object' })
  @ValidateNested({ each: true })
  @Type(() => ContactDto)
  contacts?: ContactDto[];

  @ApiProperty({ type: CapacityDto })
  // ValidateNested alone lets a missing capacity or an array (`[]`) through
  @IsDefined({ message: 'capacity is required' })
  @IsObject({ message: 'capacity must be an object' })
  @ValidateNested()
  @Type(() => CapacityDto)
  capacity: CapacityDto;
}

/** Rules across fields, answered like field errors. */
export function crossFieldProblems(dto: { minimumAge?: number; maximumAge?: number; capacity?: CapacityDto }): string[] {
  const problems: string[] = [];
  if (dto.minimumAge !== undefined && dto.maximumAge !== undefined && dto.minimumAge > dto.maximumAge) {
    problems.push('minimumAge: minimumAge must not be above maximumAge');
  }
  if (dto.capacity?.maximum !== undefined && dto.capacity.available > dto.capacity.maximum) {
    problems.push('capacity.available: available must not be above maximum');
  }
  return problems;
}
