import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Referrals keep a structured reason only. Free text about a client may name a person, and
 * personal data lives in client-journey alone (as notes on the client, erased with them), so the
 * free-text reason goes, with the answers kept for retries that repeated it. Every other text
 * column here holds codes, ids, the agreement's own sentences or the directory's names.
 */
export class StructuredReasons1732400000150 implements MigrationInterface {
  name = 'StructuredReasons1732400000150';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE referral DROP COLUMN IF EXISTS reason_text');
    // on a database created before this change the kept answers of transitions may repeat it
    await q.query(`DO $$ BEGIN
      IF to_regclass('idempotency_key') IS NOT NULL THEN
        DELETE FROM idempotency_key WHERE body LIKE '%"reasonText"%';
      END IF;
    END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    // what was dropped is not brought back: the column returns empty
    await q.query('ALTER TABLE referral ADD COLUMN reason_text text');
  }
}
