import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The referral service's copy of the client's consent keeps its purpose: only a consent for
 * referral lets a client be referred (UA-2), and only one naming an agency for case coordination
 * lets that agency take the case by walk-in. Copies made before the purpose was kept are re-read
 * from the clients topic as `referral`, the purpose every consent had then.
 */
export class ConsentPurpose1732400000120 implements MigrationInterface {
  name = 'ConsentPurpose1732400000120';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE client_consent ADD COLUMN purpose text NOT NULL DEFAULT 'referral' CHECK (purpose IN ('referral', 'case-coordination', 'outcome-tracking'))`);
    await q.query('ALTER TABLE client_consent ALTER COLUMN purpose DROP DEFAULT');
    await q.query(`CREATE INDEX known_service_agency_domain ON known_service (agency_id, domain) WHERE status <> 'defunct'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX known_service_agency_domain');
    await q.query('ALTER TABLE client_consent DROP COLUMN purpose');
  }
}
