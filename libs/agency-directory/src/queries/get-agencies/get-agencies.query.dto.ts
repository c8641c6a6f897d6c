import { IsOptional, IsString, MaxLength } from 'class-validator';

export class ListAgenciesQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  region?: string;
}
