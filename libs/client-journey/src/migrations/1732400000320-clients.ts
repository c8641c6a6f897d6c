import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Clients, their consent, key workers and milestones. Personal data lives in one table only,
 * `client_personal_data`, encrypted; no event, projection or other table reads it, and erasure
 * deletes its row. Everything else is keyed by the pseudonymous id and stays valid after erasure.
 */
export class Clients1732400000320 implements MigrationInterface {
  name = 'Clients1732400000320';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE client (
        client_id                text PRIMARY KEY,
        age_band                 text NOT NULL,
        under25                  boolean NOT NULL,
        region                   text NOT NULL,
        registered_by_agency_id  text NOT NULL,
        registered_at            timestamptz NOT NULL,
        lead_agency_id           text NOT NULL,
        key_worker_id            text NOT NULL,
        key_worker_assignment_id uuid NOT NULL,
        key_worker_since         timestamptz NOT NULL,
        erased_at                timestamptz
      )`);
    // The blind index is unique: two agencies registering one person at the same moment cannot
    // both succeed (the database decides, not a check-then-insert).
    await q.query(`
      CREATE TABLE client_personal_data (
        client_id    text PRIMARY KEY REFERENCES client (client_id),
        blind_index  bytea NOT NULL,
        key_version  smallint NOT NULL,
        iv           bytea NOT NULL,
        auth_tag     bytea NOT NULL,
        ciphertext   bytea NOT NULL,
        CONSTRAINT client_personal_data_blind_index UNIQUE (blind_index)
      )`);
    await q.query(`
      CREATE TABLE key_worker_assignment (
        assignment_id   uuid PRIMARY KEY,
        client_id       text NOT NULL REFERENCES client (client_id),
        lead_agency_id  text NOT NULL,
        key_worker_id   text NOT NULL,
        assigned_at     timestamptz NOT NULL,
        ended_at        timestamptz,
        assigned_by     text NOT NULL
      )`);
    await q.query('CREATE INDEX key_worker_assignment_client ON key_worker_assignment (client_id, assigned_at)');
    await q.query(`
      CREATE TABLE consent (
        consent_id            uuid PRIMARY KEY,
        client_id             text NOT NULL REFERENCES client (client_id),
        agency_id             text,
        domain                text,
        purpose               text NOT NULL,
        evidence              text NOT NULL,
        given_at              timestamptz NOT NULL,
        recorded_by_agency_id text NOT NULL,
        recorded_by           text NOT NULL,
        withdrawn_at          timestamptz,
        withdrawal_reason     text,
        withdrawal_evidence   text,
        withdrawn_by_agency_id text,
        withdrawn_by          text,
        CONSTRAINT consent_one_scope CHECK ((agency_id IS NULL) <> (domain IS NULL)),
        CONSTRAINT consent_withdrawal_complete CHECK ((withdrawn_at IS NULL) = (withdrawal_reason IS NULL))
      )`);
    // One active consent per scope and purpose: giving it twice (or twice at once) records it once.
    await q.query(`CREATE UNIQUE INDEX consent_active_scope ON consent (client_id, COALESCE(agency_id, ''), COALESCE(domain, ''), purpose) WHERE withdrawn_at IS NULL`);
    await q.query(`
      CREATE TABLE milestone (
        milestone_id          uuid PRIMARY KEY,
        client_id             text NOT NULL REFERENCES client (client_id),
        milestone             text NOT NULL,
        domain                text,
        occurred_on           date NOT NULL,
        recorded_by_agency_id text NOT NULL,
        recorded_by           text NOT NULL,
        lead_agency_id        text NOT NULL,
        recorded_at           timestamptz NOT NULL
      )`);
    // The same milestone on the same day is one milestone, however many times it is submitted.
    await q.query(`CREATE UNIQUE INDEX milestone_once ON milestone (client_id, milestone, COALESCE(domain, ''), occurred_on)`);
    // The directory as client-journey knows it, from the agencies topic (consent names real agencies).
    await q.query(`
      CREATE TABLE known_agency (
        agency_id   text PRIMARY KEY,
        updated_at  timestamptz NOT NULL
      )`);
    // Access is revoked, not deleted: a revocation that is applied before its grant (commands apply
    // effects at once, the projection replays them later) must win, whatever the order.
    await q.query('ALTER TABLE client_agency_access ADD COLUMN revoked_at timestamptz');
    await q.query('ALTER TABLE client_agency_access DROP CONSTRAINT client_agency_access_basis_check');
    await q.query(`ALTER TABLE client_agency_access ADD CONSTRAINT client_agency_access_basis_check CHECK (basis IN ('open-referral', 'claim', 'consent', 'lead'))`);
    await q.query('CREATE INDEX client_agency_access_agency ON client_agency_access (client_id, agency_id) WHERE revoked_at IS NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX client_agency_access_agency');
    await q.query(`DELETE FROM client_agency_access WHERE basis = 'lead' OR revoked_at IS NOT NULL`);
    await q.query('ALTER TABLE client_agency_access DROP CONSTRAINT client_agency_access_basis_check');
    await q.query(`ALTER TABLE client_agency_access ADD CONSTRAINT client_agency_access_basis_check CHECK (basis IN ('open-referral', 'claim', 'consent'))`);
    await q.query('ALTER TABLE client_agency_access DROP COLUMN revoked_at');
    await q.query('DROP TABLE known_agency');
    await q.query('DROP TABLE milestone');
    await q.query('DROP TABLE consent');
    await q.query('DROP TABLE key_worker_assignment');
    await q.query('DROP TABLE client_personal_data');
    await q.query('DROP TABLE client');
  }
}
