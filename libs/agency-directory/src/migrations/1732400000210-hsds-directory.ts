import { MigrationInterface, QueryRunner } from 'typeorm';

/** The needs taxonomy every service is classified by (ids are stable UUIDs, as HSDS requires). */
export const NEEDS_TAXONOMY_ID = '621a0da3-30d6-599f-8ead-1385adfeb3b3';
export const NEEDS_TERMS: readonly [id: string, code: string, name: string, description: string][] = [
  ['35ef0a2d-6cd7-50d2-9fd8-92bb08b4bae0', 'health', 'Health', 'Physical health conditions that get in the way of work.'],
  ['47482497-6708-5af7-a60d-4cfa71ee8558', 'mental-health', 'Mental health', 'Anxiety, depression and other mental health conditions.'],
  ['84e1fd86-1fa2-5cb9-97a8-1452102ea76a', 'skills-and-training', 'Skills and training', 'Basic skills, vocational training, qualifications.'],
  ['46a9ba2f-d2da-59c6-ad9e-8e5e8dd2c0e5', 'digital-skills', 'Digital skills', 'Using computers, online applications and job sites.'],
  ['603e5223-f381-5059-9862-6ed2b5802184', 'confidence-and-motivation', 'Confidence and motivation', 'Low confidence, motivation or self-esteem after time out of work.'],
  ['09a68c99-6a15-5859-9966-c1182cc7c0ae', 'housing', 'Housing', 'Homelessness, insecure or unsuitable housing.'],
  ['760183e2-d0f5-52b8-bc2a-902bc4eaf5cb', 'addiction-recovery', 'Addiction recovery', 'Drug or alcohol dependency and recovery support.'],
  ['324bf0e9-de42-57ed-9c39-c6b0f132da70', 'childcare', 'Childcare', 'Finding or paying for childcare.'],
  ['f8b1f915-d2b8-568a-a383-90a4aa27d193', 'transport', 'Transport', 'Getting to work or training.'],
  ['b79d60a4-03b9-5dd6-a26e-deae18c15619', 'debt', 'Debt', 'Debt and money problems.'],
  ['c8a07115-fcb0-5176-b4af-e01027050085', 'language', 'Language', 'Speaking, reading or writing the local language.'],
  ['f537a632-dbd6-5833-8a08-5f8bf6f70950', 'criminal-record', 'Criminal record', 'Barriers linked to a criminal record.'],
  ['592f9078-432a-5370-aaf8-3f61a9c54f5e', 'disability', 'Disability', 'Disability and the adjustments work needs.'],
  ['b0a840fe-dc99-50a1-ad57-d01813b8252c', 'work-experience', 'Work experience', 'Lack of recent work experience or references.'],
  ['73f2e849-4931-54f9-b450-a8cbee5e11cf', 'job-search', 'Job search', 'Finding vacancies, CVs, applications and interviews.'],
];

/**
 * The directory aligned with Open Referral HSDS 3: organizations (agencies), services with their
 * needs (taxonomy terms), eligibility and capacity, locations, service areas, contacts, and the
 * agencies' signatures of the umbrella agreement.
 */
export class HsdsDirectory1732400000210 implements MigrationInterface {
  name = 'HsdsDirectory1732400000210';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE agency
        ADD COLUMN hsds_id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        ADD COLUMN email text,
        ADD COLUMN website text,
        ADD COLUMN legal_status text,
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()`);
    await q.query(`
      CREATE TABLE taxonomy (
        id          uuid PRIMARY KEY,
        name        text NOT NULL,
        description text NOT NULL,
        uri         text,
        version     text
      )`);
    await q.query(`
      CREATE TABLE taxonomy_term (
        id          uuid PRIMARY KEY,
        code        text NOT NULL UNIQUE,
        name        text NOT NULL,
        description text NOT NULL,
        parent_id   uuid REFERENCES taxonomy_term (id),
        taxonomy_id uuid NOT NULL REFERENCES taxonomy (id)
      )`);
    await q.query(`
      CREATE TABLE service (
        id                      uuid PRIMARY KEY,
        agency_id               text NOT NULL REFERENCES agency (id),
        name                    text NOT NULL,
        description             text NOT NULL DEFAULT '',
        status                  text NOT NULL CHECK (status IN ('active', 'inactive', 'defunct', 'temporarily closed')),
        domain                  text NOT NULL,
        eligibility_description text,
        minimum_age             int CHECK (minimum_age >= 0),
        maximum_age             int CHECK (maximum_age >= 0),
        target_groups           text[] NOT NULL DEFAULT '{}',
        application_process     text,
        fees_description        text,
        url                     text,
        email                   text,
        created_at              timestamptz NOT NULL DEFAULT now(),
        updated_at              timestamptz NOT NULL DEFAULT now(),
        search                  tsvector GENERATED ALWAYS AS (
          to_tsvector('english', coalesce(name, '') || ' ' || coalesce(description, '') || ' ' || coalesce(eligibility_description, ''))
        ) STORED,
        CHECK (minimum_age IS NULL OR maximum_age IS NULL OR minimum_age <= maximum_age)
      )`);
    await q.query('CREATE INDEX service_agency ON service (agency_id)');
    await q.query('CREATE INDEX service_status_domain ON service (status, domain)');
    await q.query('CREATE INDEX service_search ON service USING gin (search)');
    await q.query('CREATE INDEX service_target_groups ON service USING gin (target_groups)');
    await q.query(`
      CREATE TABLE service_need (
        service_id       uuid NOT NULL REFERENCES service (id) ON DELETE CASCADE,
        taxonomy_term_id uuid NOT NULL REFERENCES taxonomy_term (id),
        attribute_id     uuid NOT NULL UNIQUE,
        PRIMARY KEY (service_id, taxonomy_term_id)
      )`);
    await q.query('CREATE INDEX service_need_term ON service_need (taxonomy_term_id, service_id)');
    await q.query(`
      CREATE TABLE service_capacity (
        id               uuid PRIMARY KEY,
        service_id       uuid NOT NULL UNIQUE REFERENCES service (id) ON DELETE CASCADE,
        unit             text NOT NULL DEFAULT 'places',
        available        int NOT NULL CHECK (available >= 0),
        maximum          int CHECK (maximum >= 0),
        waitlist_allowed boolean NOT NULL DEFAULT false,
        updated          timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX service_capacity_available ON service_capacity (service_id) WHERE available > 0');
    await q.query(`
      CREATE TABLE location (
        id          uuid PRIMARY KEY,
        agency_id   text NOT NULL REFERENCES agency (id),
        name        text NOT NULL,
        description text,
        address_1   text,
        city        text,
        postal_code text,
        region      text,
        country     text,
        latitude    double precision,
        longitude   double precision
      )`);
    await q.query(`
      CREATE TABLE service_at_location (
        id          uuid PRIMARY KEY,
        service_id  uuid NOT NULL REFERENCES service (id) ON DELETE CASCADE,
        location_id uuid NOT NULL REFERENCES location (id),
        UNIQUE (service_id, location_id)
      )`);
    await q.query(`
      CREATE TABLE service_area (
        id          uuid PRIMARY KEY,
        service_id  uuid NOT NULL REFERENCES service (id) ON DELETE CASCADE,
        name        text NOT NULL,
        description text,
        UNIQUE (service_id, name)
      )`);
    await q.query('CREATE INDEX service_area_name ON service_area (name, service_id)');
    await q.query(`
      CREATE TABLE contact (
        id         uuid PRIMARY KEY,
        agency_id  text NOT NULL REFERENCES agency (id),
        service_id uuid REFERENCES service (id) ON DELETE CASCADE,
        name       text,
        title      text,
        department text,
        email      text,
        phone      text
      )`);
    await q.query(`
      CREATE TABLE agreement_signature (
        agency_id         text NOT NULL REFERENCES agency (id),
        agreement_version text NOT NULL,
        status            text NOT NULL CHECK (status IN ('signed', 'suspended')),
        signed_at         timestamptz NOT NULL,
        suspended_at      timestamptz,
        suspension_reason text,
        PRIMARY KEY (agency_id, agreement_version)
      )`);
    await q.query(
      `INSERT INTO taxonomy (id, name, description, version) VALUES ($1, 'Umbrella needs', 'Barriers to work a client may need help with.', '1')`,
      [NEEDS_TAXONOMY_ID],
    );
    for (const [id, code, name, description] of NEEDS_TERMS) {
      await q.query('INSERT INTO taxonomy_term (id, code, name, description, taxonomy_id) VALUES ($1, $2, $3, $4, $5)', [id, code, name, description, NEEDS_TAXONOMY_ID]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['agreement_signature', 'contact', 'service_area', 'service_at_location', 'location', 'service_capacity', 'service_need', 'service', 'taxonomy_term', 'taxonomy']) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query('ALTER TABLE agency DROP COLUMN hsds_id, DROP COLUMN email, DROP COLUMN website, DROP COLUMN legal_status, DROP COLUMN updated_at');
  }
}
