import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The versions of the umbrella agreement the referral service has published, as the directory
 * learns them from `AgreementPublished`: an agency may sign only one of these.
 */
export class AgreementVersions1732400000230 implements MigrationInterface {
  name = 'AgreementVersions1732400000230';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agreement_version (
        version        text PRIMARY KEY,
        agreement_id   text NOT NULL,
        effective_from text NOT NULL,
        published_at   timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE agreement_version');
  }
}
