import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class RegionParam {
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  region: string;
}

export class PackFormatQueryDto {
  @ApiPropertyOptional({ enum: ['html', 'markdown'], default: 'html' })
  @IsOptional()
  @IsIn(['html', 'markdown'])
  format?: 'html' | 'markdown';
}
