import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The umbrella agreement and what it governs. The constraints here are the final arbiter under
 * concurrency: one open referral per client and domain (UA-5), one active claim per client in an
 * exclusive domain (UA-4), one lead per client (UA-3), one credit per outcome (UA-10).
 */
export class AgreementAndClaims1732400000110 implements MigrationInterface {
  name = 'AgreementAndClaims1732400000110';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE referral
        ADD COLUMN respond_by timestamptz,
        ADD COLUMN waitlisted boolean NOT NULL DEFAULT false,
        ADD COLUMN hands_over_lead boolean NOT NULL DEFAULT false,
        ADD COLUMN agreement_version text,
        ADD COLUMN reason_code text,
        ADD COLUMN reason_text text,
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()`);
    await q.query(`UPDATE referral SET respond_by = requested_at + interval '2 days' WHERE respond_by IS NULL`);
    await q.query('ALTER TABLE referral ALTER COLUMN respond_by SET NOT NULL');
    await q.query(`ALTER TABLE referral ADD CONSTRAINT referral_status CHECK (status IN
      ('requested', 'accepted', 'rejected', 'in-progress', 'on-hold', 'completed', 'failed', 'cancelled', 'expired', 'entered-in-error'))`);
    await q.query(`CREATE UNIQUE INDEX referral_one_open_per_client_domain ON referral (client_id, domain)
      WHERE status IN ('requested', 'accepted', 'in-progress', 'on-hold')`);
    await q.query(`CREATE INDEX referral_expiry ON referral (respond_by) WHERE status = 'requested'`);
    await q.query(`
      CREATE TABLE claim (
        id             uuid PRIMARY KEY,
        client_id      text NOT NULL,
        domain         text NOT NULL,
        agency_id      text NOT NULL,
        exclusive      boolean NOT NULL,
        referral_id    uuid REFERENCES referral (id),
        granted_at     timestamptz NOT NULL,
        released_at    timestamptz,
        release_reason text
      )`);
    await q.query('CREATE UNIQUE INDEX claim_one_holder_in_exclusive_domain ON claim (client_id, domain) WHERE released_at IS NULL AND exclusive');
    await q.query('CREATE UNIQUE INDEX claim_once_per_agency ON claim (client_id, domain, agency_id) WHERE released_at IS NULL');
    await q.query(`
      CREATE TABLE client_lead (
        client_id   text PRIMARY KEY,
        agency_id   text NOT NULL,
        since       timestamptz NOT NULL,
        referral_id uuid
      )`);
    await q.query(`
      CREATE TABLE decision (
        id                uuid PRIMARY KEY,
        decided_at        timestamptz NOT NULL,
        client_id         text NOT NULL,
        command           text NOT NULL,
        outcome           text NOT NULL CHECK (outcome IN ('allowed', 'refused')),
        code              text,
        rules_checked     text[] NOT NULL DEFAULT '{}',
        reason            text NOT NULL,
        agreement_version text NOT NULL,
        agency_id         text,
        user_id           text,
        referral_id       uuid,
        domain            text
      )`);
    await q.query('CREATE INDEX decision_at ON decision (decided_at DESC)');
    await q.query('CREATE INDEX decision_code ON decision (code, decided_at DESC)');
    await q.query('CREATE INDEX decision_client ON decision (client_id, decided_at DESC)');
    await q.query(`
      CREATE TABLE agreement (
        version        text PRIMARY KEY,
        agreement_id   text NOT NULL,
        document       jsonb NOT NULL,
        effective_from text NOT NULL,
        published_at   timestamptz NOT NULL,
        published_by   text,
        active         boolean NOT NULL DEFAULT false
      )`);
    await q.query('CREATE UNIQUE INDEX agreement_one_active ON agreement (active) WHERE active');
    // read models of other services' events
    await q.query(`
      CREATE TABLE agency_signature (
        agency_id         text NOT NULL,
        agreement_version text NOT NULL,
        signed            boolean NOT NULL,
        updated_at        timestamptz NOT NULL,
        PRIMARY KEY (agency_id, agreement_version)
      )`);
    await q.query(`
      CREATE TABLE known_service (
        service_id       uuid PRIMARY KEY,
        agency_id        text NOT NULL,
        name             text NOT NULL,
        status           text NOT NULL,
        domain           text NOT NULL,
        available        int NOT NULL,
        waitlist_allowed boolean NOT NULL,
        updated_at       timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE client_consent (
        consent_id uuid PRIMARY KEY,
        client_id  text NOT NULL,
        agency_id  text,
        domain     text,
        active     boolean NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX client_consent_client ON client_consent (client_id) WHERE active');
    await q.query(`
      CREATE TABLE credited_outcome (
        milestone_id       uuid PRIMARY KEY,
        client_id          text NOT NULL,
        outcome            text NOT NULL,
        credited_agency_id text NOT NULL,
        contributing       text[] NOT NULL,
        agreement_version  text NOT NULL,
        occurred_at        timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX credited_outcome_client ON credited_outcome (client_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['credited_outcome', 'client_consent', 'known_service', 'agency_signature', 'agreement', 'decision', 'client_lead', 'claim']) await q.query(`DROP TABLE ${t}`);
    await q.query('DROP INDEX referral_one_open_per_client_domain');
    await q.query('DROP INDEX referral_expiry');
    await q.query('ALTER TABLE referral DROP CONSTRAINT referral_status');
    await q.query('ALTER TABLE referral DROP COLUMN respond_by, DROP COLUMN waitlisted, DROP COLUMN hands_over_lead, DROP COLUMN agreement_version, DROP COLUMN reason_code, DROP COLUMN reason_text, DROP COLUMN updated_at');
  }
}
