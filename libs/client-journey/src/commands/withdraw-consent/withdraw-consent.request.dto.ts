import { ApiProperty } from '@nestjs/swagger';
import { CONSENT_EVIDENCE, ConsentEvidence } from '@umbrella/contracts';
import { IsIn } from 'class-validator';

export class WithdrawConsentRequestDto {
  @ApiProperty({ enum: CONSENT_EVIDENCE, description: 'How the client withdrew it; you are recorded as the one who recorded it' })
  @IsIn(CONSENT_EVIDENCE)
  evidence: ConsentEvidence;
}
