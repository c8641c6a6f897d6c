import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AGENCY_ID, STAKEHOLDER_TYPES, StakeholderType } from '@umbrella/contracts';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class RegisterAgencyRequestDto {
  @ApiProperty({ example: 'northbridge-jobcentre', description: 'A stable slug chosen by the agency' })
  @IsString()
  @Matches(AGENCY_ID, { message: 'id must be a slug of lowercase letters, digits and dashes (2-100)' })
  id: string;

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
}
