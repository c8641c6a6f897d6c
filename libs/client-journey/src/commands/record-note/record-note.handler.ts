import { HttpStatus, Injectable } from '@nestjs/common';
import { CodedHttpException, Database, Principal } from '@umbrella/platform';
import { randomUUID } from 'node:crypto';
import { loadClientForCommand } from '../../client.store';
import { NoteRow } from '../../note.view';
import { PersonalDataProtector } from '../../personal-data/personal-data.protector';
import { RecordNoteRequestDto } from './record-note.request.dto';

export interface RecordNoteCommand {
  readonly clientId: string;
  readonly request: RecordNoteRequestDto;
  readonly principal: Principal;
  readonly agencyId: string;
  readonly userId: string;
}

@Injectable()
export class RecordNoteHandler {
  constructor(
    private readonly database: Database,
    private readonly protector: PersonalDataProtector,
  ) {}

  /**
   * Seals the note (its text may name anyone and say anything) and stores it for the client. No
   * event: the text never leaves client-journey, and nothing else needs to know a note exists.
   */
  async execute(command: RecordNoteCommand): Promise<NoteRow> {
    return this.database.transaction(async (tx) => {
      // notes are part of the record: written by the agencies that see it
      const client = await loadClientForCommand(tx, command.principal, command.clientId, 'see');
      const referralId = command.request.referralId ?? null;
      if (referralId) {
        // the client's referrals as the timeline knows them (it may lag the referral service a moment)
        const known: unknown[] = await tx.query(
          `SELECT 1 FROM journey_entry WHERE client_id = $1 AND event_type = 'ReferralRequested' AND details->>'referralId' = $2 LIMIT 1`,
          [client.clientId, referralId],
        );
        if (known.length === 0) {
          throw new CodedHttpException(HttpStatus.UNPROCESSABLE_ENTITY, 'NOTE.UNKNOWN_REFERRAL', "That referral is not (yet) on this client's journey; check the id, or retry in a moment.");
        }
      }
      const noteId = randomUUID();
      const sealed = this.protector.sealNote(client.clientId, noteId, command.request.text.trim());
      const rows: NoteRow[] = await tx.query(
        `INSERT INTO client_note (note_id, client_id, referral_id, key_version, iv, auth_tag, ciphertext, recorded_by_agency_id, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
        [noteId, client.clientId, referralId, sealed.keyVersion, sealed.iv, sealed.authTag, sealed.ciphertext, command.agencyId, command.userId, new Date()],
      );
      return rows[0];
    });
  }
}
