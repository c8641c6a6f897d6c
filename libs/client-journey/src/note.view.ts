import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export interface NoteRow {
  note_id: string;
  client_id: string;
  referral_id: string | null;
  key_version: number;
  iv: Buffer;
  auth_tag: Buffer;
  ciphertext: Buffer;
  recorded_by_agency_id: string;
  recorded_by: string;
  recorded_at: Date;
}

/** A case note without its text: what recording one answers (answers are kept for retries; the text is kept sealed only). */
export class NoteView {
  @ApiProperty() id: string;
  @ApiProperty() clientId: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The referral the note is about' }) referralId: string | null;
  @ApiProperty() recordedByAgencyId: string;
  @ApiProperty() recordedBy: string;
  @ApiProperty() recordedAt: string;
}

export class NoteWithTextView extends NoteView {
  @ApiProperty() text: string;
}

export function toNoteView(r: NoteRow): NoteView {
  return {
    id: r.note_id,
    clientId: r.client_id,
    referralId: r.referral_id,
    recordedByAgencyId: r.recorded_by_agency_id,
    recordedBy: r.recorded_by,
    recordedAt: r.recorded_at.toISOString(),
  };
}
