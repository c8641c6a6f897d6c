import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A dead letter must be recorded whatever the message held, and PostgreSQL text cannot hold a NUL
 * or bytes that are not UTF-8: the value is kept as bytes, a key that is not text as bytes beside
 * the text column, the headers (names and values as text, or base64 when not text), and a stable
 * code for the reason. A message without a value (a tombstone) now has a NULL payload.
 */
export class DeadLetterBytes1732400000010 implements MigrationInterface {
  name = 'DeadLetterBytes1732400000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dead_letter ALTER COLUMN payload DROP NOT NULL`);
    await q.query(`ALTER TABLE dead_letter ALTER COLUMN payload TYPE bytea USING convert_to(payload, 'UTF8')`);
    await q.query(`
      ALTER TABLE dead_letter
        ADD COLUMN message_key_bytes bytea,
        ADD COLUMN headers jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN code text,
        ADD CONSTRAINT dead_letter_key_once CHECK (message_key IS NULL OR message_key_bytes IS NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dead_letter DROP CONSTRAINT dead_letter_key_once, DROP COLUMN code, DROP COLUMN headers, DROP COLUMN message_key_bytes`);
    // 'escape' spells every byte that is not printable ASCII as \nnn: lossless, and always text
    await q.query(`ALTER TABLE dead_letter ALTER COLUMN payload TYPE text USING coalesce(encode(payload, 'escape'), '')`);
    await q.query(`ALTER TABLE dead_letter ALTER COLUMN payload SET NOT NULL`);
  }
}

