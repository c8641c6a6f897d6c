import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class SuspendSignatureRequestDto {
  @ApiProperty({ example: 'Repeated breaches of UA-9 under review by the partnership board' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason: string;
}
