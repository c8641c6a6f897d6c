import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Case notes: free text about a client, which may name anyone and say anything, so it is kept as
 * personal data is — AES-256-GCM per note, bound to the client and the note — and deleted when the
 * client is erased. Who wrote a note, when, and the referral it is about stay readable (ids only).
 */
export class CaseNotes1732400000350 implements MigrationInterface {
  name = 'CaseNotes1732400000350';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE client_note (
        note_id               uuid PRIMARY KEY,
        client_id             text NOT NULL REFERENCES client (client_id),
        referral_id           uuid,
        key_version           smallint NOT NULL,
        iv                    bytea NOT NULL,
        auth_tag              bytea NOT NULL,
        ciphertext            bytea NOT NULL,
        recorded_by_agency_id text NOT NULL,
        recorded_by           text NOT NULL,
        recorded_at           timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX client_note_client ON client_note (client_id, recorded_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE client_note');
  }
}
