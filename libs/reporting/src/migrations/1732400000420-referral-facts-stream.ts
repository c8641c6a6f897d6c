import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The facts stream is append-only: `fact_published` remembers which source events have had their
 * fact published, and a rebuild does not empty it, so replaying the topics never publishes a fact twice.
 */
export class ReferralFactsStream1732400000420 implements MigrationInterface {
  name = 'ReferralFactsStream1732400000420';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE referral_fact ADD COLUMN fact_sequence int NOT NULL DEFAULT 0');
    await q.query('CREATE TABLE fact_published (source_event_id uuid PRIMARY KEY, published_at timestamptz NOT NULL DEFAULT now())');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE fact_published');
    await q.query('ALTER TABLE referral_fact DROP COLUMN fact_sequence');
  }
}
