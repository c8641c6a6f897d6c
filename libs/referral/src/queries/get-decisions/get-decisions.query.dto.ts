import { ApiPropertyOptional } from '@nestjs/swagger';
import { PSEUDONYMOUS_ID } from '@umbrella/contracts';
import { LimitQueryDto } from '@umbrella/platform';
import { IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class DecisionQueryDto extends LimitQueryDto {
  @ApiPropertyOptional({ example: 'UA-4' }) @IsOptional() @Matches(/^(UA-(10|[1-9])|[A-Z]+\.[A-Z_]+)$/, { message: 'code must be a rule id such as UA-4 or an error code' }) code?: string;
  @ApiPropertyOptional({ enum: ['allowed', 'refused'] }) @IsOptional() @IsIn(['allowed', 'refused']) outcome?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(PSEUDONYMOUS_ID, { message: 'clientId must be a pseudonymous id' }) clientId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) agencyId?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true }) from?: string;
}
