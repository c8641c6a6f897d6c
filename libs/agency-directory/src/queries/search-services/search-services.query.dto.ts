import { ApiPropertyOptional } from '@nestjs/swagger';
import { DOMAINS_OF_SUPPORT, DomainOfSupport, NEED_CODE, TARGET_GROUPS, TargetGroup } from '@umbrella/contracts';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);
const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter(Boolean) : Array.isArray(value) ? value.flatMap((v) => String(v).split(',')) : value;
const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class SearchServicesQueryDto {
  @ApiPropertyOptional({ type: String, example: 'skills-and-training,confidence-and-motivation', description: 'Need codes (comma-separated): services addressing any of them; all of them rank first' })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(15)
  @ArrayUnique()
  @Matches(NEED_CODE, { each: true, message: 'each need must be a taxonomy term code' })
  needs?: string[];

  @ApiPropertyOptional({ example: 'northbridge', description: "The agency's region or an area the service covers" })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  region?: string;

  @ApiPropertyOptional({ description: 'An area the service covers' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  serviceArea?: string;

  @ApiPropertyOptional({ example: 22, description: "The client's age: services whose age range includes it" })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(120)
  age?: number;

  @ApiPropertyOptional({ enum: TARGET_GROUPS })
  @IsOptional()
  @IsIn(TARGET_GROUPS)
  targetGroup?: TargetGroup;

  @ApiPropertyOptional({ enum: DOMAINS_OF_SUPPORT })
  @IsOptional()
  @IsIn(DOMAINS_OF_SUPPORT)
  domain?: DomainOfSupport;

  @ApiPropertyOptional({ description: 'Only services with places available now' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'hasCapacity must be true or false' })
  hasCapacity?: boolean;

  @ApiPropertyOptional({ description: 'Free text in name, description and eligibility' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10000)
  page?: number;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  perPage?: number;
}
