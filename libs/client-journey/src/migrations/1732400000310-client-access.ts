import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which agency may see which client, and on what basis (an open referral now; a claim and consent
 * as those events arrive). Built from the topics like the timeline.
 */
export class ClientAccess1732400000310 implements MigrationInterface {
  name = 'ClientAccess1732400000310';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE client_agency_access (
        client_id  text NOT NULL,
        agency_id  text NOT NULL,
        basis      text NOT NULL CHECK (basis IN ('open-referral', 'claim', 'consent')),
        source_id  text NOT NULL,
        since      timestamptz NOT NULL,
        PRIMARY KEY (client_id, agency_id, basis, source_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE client_agency_access');
  }
}
