import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The record each kept answer concerns (a client id, a referral id…), so that a service can remove
 * the kept answers of a client it erases; and an index to find a client's rows of the audit trail.
 */
export class IdempotencyRecord1732400001100 implements MigrationInterface {
  name = 'IdempotencyRecord1732400001100';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE idempotency_key ADD COLUMN record_id text');
    await q.query('CREATE INDEX idempotency_key_record ON idempotency_key (record_id) WHERE record_id IS NOT NULL');
    await q.query('CREATE INDEX audit_log_record ON audit_log (record_id, at DESC) WHERE record_id IS NOT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX audit_log_record');
    await q.query('DROP INDEX idempotency_key_record');
    await q.query('ALTER TABLE idempotency_key DROP COLUMN record_id');
  }
}
