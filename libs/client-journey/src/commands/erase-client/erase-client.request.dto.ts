import { ApiProperty } from '@nestjs/swagger';
import { CONSENT_EVIDENCE, ConsentEvidence } from '@umbrella/contracts';
import { IsIn } from 'class-validator';

export class EraseClientRequestDto {
  @ApiProperty({ enum: CONSENT_EVIDENCE, description: 'How the client asked to be erased; it also evidences the withdrawal of their consents' })
  @IsIn(CONSENT_EVIDENCE)
  evidence: ConsentEvidence;
}
