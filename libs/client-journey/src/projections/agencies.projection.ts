import { EventOf } from '@umbrella/contracts';
import { EntityManager } from 'typeorm';

/** client-journey's copy of the directory: consent may only name an agency that exists. */
export async function onAgencyRegistered(event: EventOf<'AgencyRegistered'>, tx: EntityManager): Promise<void> {
  const d = event.data;
  await tx.query(
    `INSERT INTO known_agency (agency_id, updated_at) VALUES ($1, $2)
     ON CONFLICT (agency_id) DO UPDATE SET updated_at = GREATEST(known_agency.updated_at, EXCLUDED.updated_at)`,
    [d.agencyId, event.occurredAt],
  );
}
