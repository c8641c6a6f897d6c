import { ServiceRecord } from '../service.store';

/**
 * Maps the directory to Open Referral HSDS 3.1 shapes (field names from the specification). Our
 * agency slug travels as an organization identifier; needs are attributes linking the service to
 * terms of the needs taxonomy. Absent values are left out rather than sent as null.
 */
export interface HsdsAgencyRow {
  id: string;
  hsds_id: string;
  name: string;
  description: string;
  email: string | null;
  website: string | null;
  legal_status: string | null;
  stakeholder_type: string;
  region: string;
}

export interface HsdsTermRow {
  id: string;
  code: string;
  name: string;
  description: string;
  parent_id: string | null;
  taxonomy_id: string;
}

export interface HsdsTaxonomyRow {
  id: string;
  name: string;
  description: string;
  uri: string | null;
  version: string | null;
}

type Json = Record<string, unknown>;

function compact(o: Json): Json {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
}

export const AGENCY_ID_SCHEME = 'umbrella';

export function hsdsOrganization(a: HsdsAgencyRow): Json {
  return compact({
    id: a.hsds_id,
    name: a.name,
    description: a.description || a.name,
    email: a.email,
    website: a.website,
    legal_status: a.legal_status,
    organization_identifiers: [
      { id: uuidFrom(a.hsds_id, 1), organization_id: a.hsds_id, identifier_scheme: AGENCY_ID_SCHEME, identifier_type: 'agency id', identifier: a.id },
      { id: uuidFrom(a.hsds_id, 2), organization_id: a.hsds_id, identifier_scheme: AGENCY_ID_SCHEME, identifier_type: 'stakeholder type', identifier: a.stakeholder_type },
      { id: uuidFrom(a.hsds_id, 3), organization_id: a.hsds_id, identifier_scheme: AGENCY_ID_SCHEME, identifier_type: 'region', identifier: a.region },
    ],
  });
}

export function hsdsTaxonomy(t: HsdsTaxonomyRow): Json {
  return compact({ id: t.id, name: t.name, description: t.description, uri: t.uri, version: t.version });
}

export function hsdsTerm(t: HsdsTermRow, taxonomy?: HsdsTaxonomyRow): Json {
  return compact({
    id: t.id,
    code: t.code,
    name: t.name,
    description: t.description,
    parent_id: t.parent_id,
    taxonomy: taxonomy?.name,
    taxonomy_id: t.taxonomy_id,
    taxonomy_detail: taxonomy ? hsdsTaxonomy(taxonomy) : undefined,
  });
}

export function hsdsLocation(l: ServiceRecord['locations'][number], organizationId: string): Json {
  return compact({
    id: l.id,
    location_type: 'physical',
    organization_id: organizationId,
    name: l.name,
    description: l.description,
    latitude: l.latitude,
    longitude: l.longitude,
    addresses:
      l.address1 && l.city && l.postalCode && l.country
        ? [
            {
              id: uuidFrom(l.id, 1),
              location_id: l.id,
              address_1: l.address1,
              city: l.city,
              state_province: l.city,
              postal_code: l.postalCode,
              country: l.country.length === 2 ? l.country : 'GB',
              address_type: 'physical',
            },
          ]
        : undefined,
  });
}

export function hsdsService(s: ServiceRecord, taxonomy: HsdsTaxonomyRow, organization?: HsdsAgencyRow): Json {
  return compact({
    id: s.id,
    organization_id: s.agencyHsdsId,
    name: s.name,
    description: s.description || undefined,
    url: s.url,
    email: s.email,
    status: s.status,
    application_process: s.applicationProcess,
    fees_description: s.feesDescription,
    eligibility_description: s.eligibilityDescription,
    minimum_age: s.minimumAge,
    maximum_age: s.maximumAge,
    last_modified: s.updatedAt.toISOString(),
    organization: organization ? hsdsOrganization(organization) : undefined,
    service_areas: s.serviceAreas.map((a) => compact({ id: a.id, service_id: s.id, name: a.name, description: a.description })),
    service_at_locations: s.locations.map((l) => ({ id: l.serviceAtLocationId, service_id: s.id, location_id: l.id, location: hsdsLocation(l, s.agencyHsdsId) })),
    contacts: s.contacts.map((c) =>
      compact({
        id: c.id,
        service_id: s.id,
        name: c.name,
        title: c.title,
        department: c.department,
        email: c.email,
        phones: c.phone ? [{ id: uuidFrom(c.id, 1), contact_id: c.id, number: c.phone }] : undefined,
      }),
    ),
    capacities: s.capacity
      ? [
          compact({
            id: s.capacity.id,
            service_id: s.id,
            unit: { id: uuidFrom(s.capacity.id, 1), name: s.capacity.unit },
            available: s.capacity.available,
            maximum: s.capacity.maximum,
            description: s.capacity.waitlistAllowed ? 'Referrals are waitlisted when no place is available.' : 'No waitlist: referrals need an available place.',
            updated: s.capacity.updated.toISOString(),
          }),
        ]
      : [],
    attributes: s.needs.map((n) => ({
      id: n.attributeId,
      link_id: s.id,
      link_type: 'need',
      link_entity: 'service',
      taxonomy_term_id: n.termId,
      taxonomy_term: hsdsTerm({ id: n.termId, code: n.code, name: n.name, description: n.description, parent_id: null, taxonomy_id: taxonomy.id }, taxonomy),
    })),
  });
}

/** List pages carry only one-to-one fields (HSDS `*_list` schemas); the detail endpoints carry the rest. */
export function oneToOne(record: Json): Json {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => !Array.isArray(v) && (typeof v !== 'object' || v === null)));
}

/** HSDS wants UUIDs for sub-records we store inline; derive stable ones from the parent's id. */
export function uuidFrom(parent: string, n: number): string {
  const hex = parent.replace(/-/g, '');
  const tail = ((parseInt(hex.slice(-8), 16) + n) >>> 0).toString(16).padStart(8, '0');
  const h = hex.slice(0, 24) + tail;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export interface HsdsPage<T> {
  total_items: number;
  total_pages: number;
  page_number: number;
  size: number;
  first_page: boolean;
  last_page: boolean;
  empty: boolean;
  contents: T[];
}

/** HSDS pagination envelope. */
export function hsdsPage<T>(contents: T[], total: number, page: number, perPage: number): HsdsPage<T> {
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  return {
    total_items: total,
    total_pages: totalPages,
    page_number: page,
    size: contents.length,
    first_page: page === 1,
    last_page: page >= totalPages,
    empty: contents.length === 0,
    contents,
  };
}
