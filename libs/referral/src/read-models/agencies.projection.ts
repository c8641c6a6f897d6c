import { AgencyRegisteredV1 } from '@umbrella/contracts';
import { HandledEvent } from '@umbrella/messaging';
import { EntityManager } from 'typeorm';

/** Keeps `known_agency` current from the directory's events. */
export async function onAgencyRegistered(event: HandledEvent, tx: EntityManager): Promise<void> {
  const data = event.data as AgencyRegisteredV1;
  await tx.query(
    `INSERT INTO known_agency (agency_id, name, stakeholder_type, region, updated_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (agency_id) DO UPDATE
       SET name = EXCLUDED.name, stakeholder_type = EXCLUDED.stakeholder_type, region = EXCLUDED.region, updated_at = EXCLUDED.updated_at`,
    [data.agencyId, data.name, data.stakeholderType, data.region, event.occurredAt],
  );
}
