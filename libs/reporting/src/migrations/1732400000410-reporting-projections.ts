import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The projections every report reads. Each table holds one row per fact as the events told it,
 * keyed by the fact's own id, so replaying the topics from offset zero rebuilds the same rows.
 * Dimensions (agency, client) are joined at query time: events of different topics arrive in
 * no particular order relative to each other, and a join never depends on that order.
 */
export class ReportingProjections1732400000410 implements MigrationInterface {
  name = 'ReportingProjections1732400000410';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE referral_fact
        ADD COLUMN waitlisted    boolean NOT NULL DEFAULT false,
        ADD COLUMN answer        text,
        ADD COLUMN answered_at   timestamptz,
        ADD COLUMN reject_reason text,
        ADD COLUMN closed_at     timestamptz`);
    await q.query('CREATE INDEX referral_fact_from ON referral_fact (from_agency_id)');
    await q.query('CREATE INDEX referral_fact_to ON referral_fact (to_agency_id)');
    await q.query(`
      CREATE TABLE decision_fact (
        decision_id uuid PRIMARY KEY,
        client_id   text NOT NULL,
        command     text NOT NULL,
        outcome     text NOT NULL,
        code        text,
        agency_id   text,
        domain      text,
        decided_at  timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE outcome_fact (
        milestone_id           uuid PRIMARY KEY,
        client_id              text NOT NULL,
        outcome                text NOT NULL,
        credited_agency_id     text NOT NULL,
        contributing_agency_ids text[] NOT NULL,
        occurred_at            timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE client_dim (
        client_id               text PRIMARY KEY,
        age_band                text NOT NULL,
        under25                 boolean NOT NULL,
        region                  text NOT NULL,
        registered_by_agency_id text NOT NULL,
        registered_at           timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE milestone_fact (
        milestone_id   uuid PRIMARY KEY,
        client_id      text NOT NULL,
        milestone      text NOT NULL,
        occurred_on    date NOT NULL,
        lead_agency_id text NOT NULL
      )`);
    await q.query('CREATE INDEX milestone_fact_client ON milestone_fact (client_id)');
    await q.query(`
      CREATE TABLE key_worker_assignment (
        assignment_id  uuid PRIMARY KEY,
        client_id      text NOT NULL,
        lead_agency_id text NOT NULL,
        key_worker_id  text NOT NULL,
        assigned_at    timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX key_worker_assignment_client ON key_worker_assignment (client_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE key_worker_assignment');
    await q.query('DROP TABLE milestone_fact');
    await q.query('DROP TABLE client_dim');
    await q.query('DROP TABLE outcome_fact');
    await q.query('DROP TABLE decision_fact');
    await q.query('DROP INDEX referral_fact_to');
    await q.query('DROP INDEX referral_fact_from');
    await q.query('ALTER TABLE referral_fact DROP COLUMN waitlisted, DROP COLUMN answer, DROP COLUMN answered_at, DROP COLUMN reject_reason, DROP COLUMN closed_at');
  }
}
