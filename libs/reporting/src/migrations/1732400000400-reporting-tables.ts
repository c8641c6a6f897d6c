import { MigrationInterface, QueryRunner } from 'typeorm';

export class ReportingTables1732400000400 implements MigrationInterface {
  name = 'ReportingTables1732400000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE referral_fact (
        referral_id    uuid PRIMARY KEY,
        client_id      text NOT NULL,
        from_agency_id text NOT NULL,
        to_agency_id   text NOT NULL,
        domain         text NOT NULL,
        status         text NOT NULL,
        requested_at   timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX referral_fact_requested ON referral_fact (requested_at)');
    await q.query(`
      CREATE TABLE agency_dim (
        agency_id        text PRIMARY KEY,
        stakeholder_type text NOT NULL,
        region           text NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE agency_dim');
    await q.query('DROP TABLE referral_fact');
  }
}
