import { MigrationInterface, QueryRunner } from 'typeorm';

export class ReferralTables1732400000100 implements MigrationInterface {
  name = 'ReferralTables1732400000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE referral (
        id             uuid PRIMARY KEY,
        client_id      text NOT NULL,
        from_agency_id text NOT NULL,
        to_agency_id   text NOT NULL,
        domain         text NOT NULL,
        service_id     text,
        status         text NOT NULL,
        requested_at   timestamptz NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX referral_client_domain ON referral (client_id, domain)');
    await q.query('CREATE INDEX referral_to_agency ON referral (to_agency_id, requested_at DESC)');
    await q.query('CREATE INDEX referral_from_agency ON referral (from_agency_id, requested_at DESC)');
    await q.query(`
      CREATE TABLE known_agency (
        agency_id        text PRIMARY KEY,
        name             text NOT NULL,
        stakeholder_type text NOT NULL,
        region           text NOT NULL,
        updated_at       timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE known_agency');
    await q.query('DROP TABLE referral');
  }
}
