import { ApiProperty } from '@nestjs/swagger';
import { IsDefined } from 'class-validator';

export class PublishAgreementRequestDto {
  @ApiProperty({ description: 'The agreement document: YAML or JSON text, or a JSON object' })
  @IsDefined()
  document: unknown;
}
