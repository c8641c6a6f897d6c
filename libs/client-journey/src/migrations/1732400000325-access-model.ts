import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The partnership's access model: a consent shows the client only to the agency it names, and only
 * for its purpose (the record for case coordination, the journey alone for outcome tracking, nothing
 * for referral); the lead agency is the client row's, moved by handovers the referral service
 * decides, after which the new lead names its own key worker (none until then).
 */
export class AccessModel1732400000325 implements MigrationInterface {
  name = 'AccessModel1732400000325';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE client ALTER COLUMN key_worker_id DROP NOT NULL, ALTER COLUMN key_worker_assignment_id DROP NOT NULL, ALTER COLUMN key_worker_since DROP NOT NULL');
    await q.query('ALTER TABLE client ADD CONSTRAINT client_key_worker_complete CHECK ((key_worker_id IS NULL) = (key_worker_assignment_id IS NULL) AND (key_worker_id IS NULL) = (key_worker_since IS NULL))');
    // the lead is the client row's now, not a grant
    await q.query(`DELETE FROM client_agency_access WHERE basis = 'lead'`);
    await q.query('ALTER TABLE client_agency_access DROP CONSTRAINT client_agency_access_basis_check');
    await q.query(`ALTER TABLE client_agency_access ADD CONSTRAINT client_agency_access_basis_check CHECK (basis IN ('open-referral', 'claim', 'consent', 'outcome-tracking'))`);
    // grants given before purposes counted: a consent for outcome tracking shows the journey only,
    // one for referral shows nothing by itself
    await q.query(`
      INSERT INTO client_agency_access (client_id, agency_id, basis, source_id, since, revoked_at)
      SELECT a.client_id, a.agency_id, 'outcome-tracking', a.source_id, a.since, a.revoked_at
        FROM client_agency_access a JOIN consent c ON a.basis = 'consent' AND a.source_id = c.consent_id::text AND c.purpose = 'outcome-tracking'
      ON CONFLICT DO NOTHING`);
    await q.query(`
      UPDATE client_agency_access a SET revoked_at = now()
        FROM consent c WHERE a.basis = 'consent' AND a.source_id = c.consent_id::text AND c.purpose <> 'case-coordination' AND a.revoked_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM client_agency_access WHERE basis = 'outcome-tracking'`);
    await q.query('ALTER TABLE client_agency_access DROP CONSTRAINT client_agency_access_basis_check');
    await q.query(`ALTER TABLE client_agency_access ADD CONSTRAINT client_agency_access_basis_check CHECK (basis IN ('open-referral', 'claim', 'consent', 'lead'))`);
    // the lead as a grant again, as the earlier version reads it
    await q.query(`INSERT INTO client_agency_access (client_id, agency_id, basis, source_id, since) SELECT client_id, lead_agency_id, 'lead', 'lead', registered_at FROM client`);
    await q.query('ALTER TABLE client DROP CONSTRAINT client_key_worker_complete');
  }
}
