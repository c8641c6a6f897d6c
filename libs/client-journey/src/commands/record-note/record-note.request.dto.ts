import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsUuid } from '@umbrella/platform';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export const NOTE_MAX_LENGTH = 2000;

/** Free text about a client: kept sealed in client-journey only, read by the agencies that see the client. */
export class RecordNoteRequestDto {
  @ApiProperty({ maxLength: NOTE_MAX_LENGTH, example: 'Rejected for no capacity; the client would rather start after the summer.' })
  @IsString()
  @MaxLength(NOTE_MAX_LENGTH)
  @Matches(/\S/, { message: 'text must not be blank' })
  text: string;

  @ApiPropertyOptional({ description: "The referral the note is about: one of the client's referrals" })
  @IsOptional()
  @IsUuid('referralId must be a referral id (UUID)')
  referralId?: string;
}
