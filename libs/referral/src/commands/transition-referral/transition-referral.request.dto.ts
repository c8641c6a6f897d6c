import { ApiPropertyOptional } from '@nestjs/swagger';
import { REFERRAL_ACTIONS, ReferralAction } from '@umbrella/agreement';
import { REFERRAL_REASONS, ReferralReason } from '@umbrella/contracts';
import { IsUuid } from '@umbrella/platform';
import { Equals, IsIn, IsOptional, ValidateIf } from 'class-validator';

const USER_ACTIONS = REFERRAL_ACTIONS.filter((a) => a !== 'expire');

export class TransitionParams {
  @IsUuid('id must be a referral id (UUID)')
  id: string;

  @IsIn(USER_ACTIONS, { message: `action must be one of ${USER_ACTIONS.join(', ')}` })
  action: Exclude<ReferralAction, 'expire'>;
}

export class TransitionRequestDto {
  @ApiPropertyOptional({
    enum: REFERRAL_REASONS,
    description: "Required to reject, fail, cancel or mark entered-in-error. Details go on the client's record as a note in client-journey, never here",
  })
  @IsOptional()
  @IsIn(REFERRAL_REASONS)
  reason?: ReferralReason;

  /**
   * Refused, not ignored: free text about a client may name a person, and personal data lives in
   * client-journey only, so the caller learns where the details belong.
   */
  @ValidateIf((o: TransitionRequestDto) => o.reasonText !== undefined)
  @Equals(undefined, {
    message:
      'reasonText is not accepted: referrals keep a structured reason only. Write the details as a note on the client in client-journey (POST /clients/{clientId}/notes with this referralId)',
  })
  reasonText?: never;
}
