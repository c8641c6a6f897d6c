import { ApiProperty } from '@nestjs/swagger';
import { AGREEMENT_VERSION } from '@umbrella/contracts';
import { Matches } from 'class-validator';

export class SignAgreementRequestDto {
  @ApiProperty({ example: '1' })
  @Matches(AGREEMENT_VERSION, { message: 'agreementVersion must be an agreement version, e.g. 1 or 2.1' })
  agreementVersion: string;
}
