import { HttpStatus } from '@nestjs/common';
import { ServiceSnapshotV1, ServiceStatus, TargetGroup, DomainOfSupport } from '@umbrella/contracts';
import { CodedHttpException } from '@umbrella/platform';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { ContactDto, LocationDto, ServiceRequestDto } from './service.request.dto';

/** A service with everything the directory keeps about it. */
export interface ServiceRecord {
  id: string;
  agencyId: string;
  agencyHsdsId: string;
  agencyName: string;
  region: string;
  name: string;
  description: string;
  status: ServiceStatus;
  domain: DomainOfSupport;
  eligibilityDescription: string | null;
  minimumAge: number | null;
  maximumAge: number | null;
  targetGroups: TargetGroup[];
  applicationProcess: string | null;
  feesDescription: string | null;
  url: string | null;
  email: string | null;
  updatedAt: Date;
  needs: { attributeId: string; termId: string; code: string; name: string; description: string }[];
  serviceAreas: { id: string; name: string; description: string | null }[];
  locations: ({ id: string; serviceAtLocationId: string } & LocationDto)[];
  contacts: ({ id: string } & ContactDto)[];
  capacity: { id: string; unit: string; available: number; maximum: number | null; waitlistAllowed: boolean; updated: Date } | null;
}

/** Resolves need codes to taxonomy term ids; unknown codes are a 400 naming each. */
/** The taxonomy's terms by code, kept a minute: searches resolve their needs without a round trip. */
let terms: { at: number; ids: Map<string, string> } | null = null;
const TERMS_TTL_MS = 60_000;

export async function resolveNeeds(tx: EntityManager, codes: readonly string[]): Promise<Map<string, string>> {
  const known = terms && Date.now() - terms.at < TERMS_TTL_MS ? terms.ids : null;
  // a code not in the cache reads the taxonomy again, so a term added a moment ago is found
  if (!known || codes.some((c) => !known.has(c))) {
    const rows: { id: string; code: string }[] = await tx.query('SELECT id, code FROM taxonomy_term');
    terms = { at: Date.now(), ids: new Map(rows.map((r) => [r.code, r.id])) };
  }
  const all = (terms as { ids: Map<string, string> }).ids;
  const found = new Map(codes.filter((c) => all.has(c)).map((c) => [c, all.get(c) as string]));
  const unknown = codes.filter((c) => !found.has(c));
  if (unknown.length > 0) {
    throw new CodedHttpException(
      HttpStatus.BAD_REQUEST,
      'DIRECTORY.UNKNOWN_NEED',
      'Some needs are not in the needs taxonomy.',
      unknown.map((c) => `needs: ${c} is not a term of the needs taxonomy`),
    );
  }
  return found;
}

/** Writes a service and all it owns, replacing what was there (one transaction, the caller's). */
export async function writeService(tx: EntityManager, id: string, agencyId: string, dto: ServiceRequestDto, isNew: boolean): Promise<void> {
  const needs = await resolveNeeds(tx, dto.needs);
  const values = [
    id,
    agencyId,
    dto.name,
    dto.description ?? '',
    dto.status ?? 'active',
    dto.domain,
    dto.eligibilityDescription ?? null,
    dto.minimumAge ?? null,
    dto.maximumAge ?? null,
    dto.targetGroups ?? [],
    dto.applicationProcess ?? null,
    dto.feesDescription ?? null,
    dto.url ?? null,
    dto.email ?? null,
  ];
  if (isNew) {
    await tx.query(
      `INSERT INTO service (id, agency_id, name, description, status, domain, eligibility_description, minimum_age, maximum_age,
                            target_groups, application_process, fees_description, url, email)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      values,
    );
  } else {
    await tx.query(
      `UPDATE service SET name = $3, description = $4, status = $5, domain = $6, eligibility_description = $7, minimum_age = $8,
              maximum_age = $9, target_groups = $10, application_process = $11, fees_description = $12, url = $13, email = $14,
              updated_at = now()
        WHERE id = $1 AND agency_id = $2`,
      values,
    );
    for (const table of ['service_need', 'service_area', 'service_at_location', 'contact']) {
      await tx.query(`DELETE FROM ${table} WHERE service_id = $1`, [id]);
    }
  }
  for (const code of dto.needs) {
    await tx.query('INSERT INTO service_need (service_id, taxonomy_term_id, attribute_id) VALUES ($1, $2, $3)', [id, needs.get(code), randomUUID()]);
  }
  for (const area of dto.serviceAreas) {
    await tx.query('INSERT INTO service_area (id, service_id, name) VALUES ($1, $2, $3)', [randomUUID(), id, area]);
  }
  for (const l of dto.locations ?? []) {
    const locationId = randomUUID();
    await tx.query(
      `INSERT INTO location (id, agency_id, name, description, address_1, city, postal_code, country, latitude, longitude)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [locationId, agencyId, l.name, l.description ?? null, l.address1 ?? null, l.city ?? null, l.postalCode ?? null, l.country ?? null, l.latitude ?? null, l.longitude ?? null],
    );
    await tx.query('INSERT INTO service_at_location (id, service_id, location_id) VALUES ($1, $2, $3)', [randomUUID(), id, locationId]);
  }
  for (const c of dto.contacts ?? []) {
    await tx.query(
      'INSERT INTO contact (id, agency_id, service_id, name, title, department, email, phone) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [randomUUID(), agencyId, id, c.name ?? null, c.title ?? null, c.department ?? null, c.email ?? null, c.phone ?? null],
    );
  }
  await tx.query(
    `INSERT INTO service_capacity (id, service_id, available, maximum, waitlist_allowed, updated) VALUES ($1, $2, $3, $4, $5, now())
     ON CONFLICT (service_id) DO UPDATE SET available = EXCLUDED.available, maximum = EXCLUDED.maximum,
       waitlist_allowed = EXCLUDED.waitlist_allowed, updated = now()`,
    [randomUUID(), id, dto.capacity.available, dto.capacity.maximum ?? null, dto.capacity.waitlistAllowed ?? false],
  );
}

/** Loads services with everything they own, in the order of `ids`. */
export async function loadServices(db: EntityManager, ids: readonly string[]): Promise<ServiceRecord[]> {
  if (ids.length === 0) return [];
  // One statement: the services with their needs, areas, locations, contacts and capacity as JSON.
  const services: Record<string, unknown>[] = await db.query(
    `SELECT s.*, a.hsds_id AS agency_hsds_id, a.name AS agency_name, a.region,
       (SELECT coalesce(json_agg(n ORDER BY n.code), '[]') FROM (
          SELECT sn.attribute_id, t.id AS term_id, t.code, t.name, t.description
            FROM service_need sn JOIN taxonomy_term t ON t.id = sn.taxonomy_term_id WHERE sn.service_id = s.id) n) AS needs_json,
       (SELECT coalesce(json_agg(sa ORDER BY sa.name), '[]') FROM (SELECT id, name, description FROM service_area WHERE service_id = s.id) sa) AS areas_json,
       (SELECT coalesce(json_agg(loc ORDER BY loc.name), '[]') FROM (
          SELECT sal.id AS sal_id, l.* FROM service_at_location sal JOIN location l ON l.id = sal.location_id WHERE sal.service_id = s.id) loc) AS locations_json,
       (SELECT coalesce(json_agg(c ORDER BY c.name NULLS LAST), '[]') FROM contact c WHERE c.service_id = s.id) AS contacts_json,
       (SELECT row_to_json(sc) FROM service_capacity sc WHERE sc.service_id = s.id) AS capacity_json
       FROM service s JOIN agency a ON a.id = s.agency_id WHERE s.id = ANY($1::uuid[])`,
    [ids],
  );
  const byId = new Map(
    services.map((s) => {
      const id = s.id as string;
      const capacity = s.capacity_json as Record<string, unknown> | null;
      const record: ServiceRecord = {
        id,
        agencyId: s.agency_id as string,
        agencyHsdsId: s.agency_hsds_id as string,
        agencyName: s.agency_name as string,
        region: s.region as string,
        name: s.name as string,
        description: s.description as string,
        status: s.status as ServiceStatus,
        domain: s.domain as DomainOfSupport,
        eligibilityDescription: s.eligibility_description as string | null,
        minimumAge: s.minimum_age as number | null,
        maximumAge: s.maximum_age as number | null,
        targetGroups: s.target_groups as TargetGroup[],
        applicationProcess: s.application_process as string | null,
        feesDescription: s.fees_description as string | null,
        url: s.url as string | null,
        email: s.email as string | null,
        updatedAt: s.updated_at as Date,
        needs: (s.needs_json as Record<string, string>[]).map((n: Record<string, string>) => ({ attributeId: n.attribute_id, termId: n.term_id, code: n.code, name: n.name, description: n.description })),
        serviceAreas: (s.areas_json as Record<string, string | null>[]).map((a: Record<string, string | null>) => ({ id: a.id as string, name: a.name as string, description: a.description })),
        locations: (s.locations_json as Record<string, unknown>[]).map((l: Record<string, unknown>) => ({
          id: l.id as string,
          serviceAtLocationId: l.sal_id as string,
          name: l.name as string,
          description: (l.description as string | null) ?? undefined,
          address1: (l.address_1 as string | null) ?? undefined,
          city: (l.city as string | null) ?? undefined,
          postalCode: (l.postal_code as string | null) ?? undefined,
          country: (l.country as string | null) ?? undefined,
          latitude: (l.latitude as number | null) ?? undefined,
          longitude: (l.longitude as number | null) ?? undefined,
        })),
        contacts: (s.contacts_json as Record<string, string | null>[]).map((c: Record<string, string | null>) => ({
          id: c.id as string,
          name: c.name ?? undefined,
          title: c.title ?? undefined,
          department: c.department ?? undefined,
          email: c.email ?? undefined,
          phone: c.phone ?? undefined,
        })),
        capacity: capacity
          ? {
              id: capacity.id as string,
              unit: capacity.unit as string,
              available: capacity.available as number,
              maximum: capacity.maximum as number | null,
              waitlistAllowed: capacity.waitlist_allowed as boolean,
              // row_to_json gives the timestamp as text
              updated: new Date(capacity.updated as string),
            }
          : null,
      };
      return [id, record];
    }),
  );
  return ids.map((id) => byId.get(id)).filter((s): s is ServiceRecord => s !== undefined);
}

export async function loadService(db: EntityManager, id: string): Promise<ServiceRecord | null> {
  return (await loadServices(db, [id]))[0] ?? null;
}

/** The event-carried state the referral service keeps of a service. */
export function snapshotOf(s: ServiceRecord): ServiceSnapshotV1 {
  return {
    serviceId: s.id,
    agencyId: s.agencyId,
    name: s.name,
    status: s.status,
    domain: s.domain,
    needs: s.needs.map((n) => n.code),
    targetGroups: s.targetGroups,
    ...(s.minimumAge !== null ? { minimumAge: s.minimumAge } : {}),
    ...(s.maximumAge !== null ? { maximumAge: s.maximumAge } : {}),
    serviceAreas: s.serviceAreas.map((a) => a.name),
    capacity: {
      available: s.capacity?.available ?? 0,
      ...(s.capacity?.maximum !== null && s.capacity?.maximum !== undefined ? { maximum: s.capacity.maximum } : {}),
      waitlistAllowed: s.capacity?.waitlistAllowed ?? false,
    },
  };
}
