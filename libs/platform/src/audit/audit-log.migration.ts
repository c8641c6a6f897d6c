import { MigrationInterface, QueryRunner } from 'typeorm';

/** The append-only audit trail of state-changing requests; a trigger refuses updates and deletes. */
export class AuditLog1732400000050 implements MigrationInterface {
  name = 'AuditLog1732400000050';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id           bigserial PRIMARY KEY,
        at           timestamptz NOT NULL DEFAULT now(),
        user_id      text,
        agency_id    text,
        roles        text[] NOT NULL DEFAULT '{}',
        method       text NOT NULL,
        action       text NOT NULL,
        record_id    text,
        outcome      text NOT NULL CHECK (outcome IN ('allowed', 'refused', 'failed')),
        status       int NOT NULL,
        reason       text,
        correlation_id text
      )`);
    await q.query('CREATE INDEX audit_log_at ON audit_log (at DESC)');
    await q.query('CREATE INDEX audit_log_user ON audit_log (user_id, at DESC)');
    await q.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only';
      END $$`);
    await q.query(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await q.query(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_log');
    await q.query('DROP FUNCTION audit_log_append_only');
  }
}
