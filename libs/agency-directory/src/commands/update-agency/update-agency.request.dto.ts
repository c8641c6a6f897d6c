import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { STAKEHOLDER_TYPES, StakeholderType } from '@umbrella/contracts';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, IsUrl, MaxLength } from 'class-validator';

/** An agency's profile: an HSDS organization plus the partnership's stakeholder type and region. */
export class AgencyProfileDto {
  @ApiProperty({ example: 'Northbridge Jobcentre' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  description?: string;

  @ApiProperty({ enum: STAKEHOLDER_TYPES })
  @IsIn(STAKEHOLDER_TYPES)
  stakeholderType: StakeholderType;

  @ApiProperty({ example: 'northbridge' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  region: string;

  @ApiPropertyOptional({ example: 'referrals@northbridge-jobcentre.example' })
  @IsOptional()
  @IsEmail()
  @MaxLength(200)
  email?: string;

  @ApiPropertyOptional({ example: 'https://northbridge-jobcentre.example' })
  @IsOptional()
  @IsUrl({ require_protocol: true })
  @MaxLength(500)
  website?: string;

  @ApiPropertyOptional({ example: 'Public body' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  legalStatus?: string;
}
