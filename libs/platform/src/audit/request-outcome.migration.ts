import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each audit row carries the id of the request it records, generated before anything is written:
 * when a COMMIT is interrupted, that row tells whether the command committed. Commands sent with
 * an Idempotency-Key keep their first answer for 24 hours.
 */
export class RequestOutcome1732400001000 implements MigrationInterface {
  name = 'RequestOutcome1732400001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE audit_log ADD COLUMN request_id uuid');
    await q.query('CREATE UNIQUE INDEX audit_log_request ON audit_log (request_id) WHERE request_id IS NOT NULL');
    await q.query(`
      CREATE TABLE idempotency_key (
        scope        text NOT NULL,
        key          text NOT NULL,
        fingerprint  text NOT NULL,
        status       int NOT NULL,
        body         text NOT NULL,
        request_id   uuid NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      )`);
    await q.query('CREATE INDEX idempotency_key_created ON idempotency_key (created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE idempotency_key');
    await q.query('DROP INDEX audit_log_request');
    await q.query('ALTER TABLE audit_log DROP COLUMN request_id');
  }
}
