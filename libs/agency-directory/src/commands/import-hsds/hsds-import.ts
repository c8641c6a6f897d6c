import { DomainOfSupport, SERVICE_STATUSES, StakeholderType, validatePlain } from '@umbrella/contracts';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import organizationSchema from '../../hsds/schema/organization.json';
import serviceSchema from '../../hsds/schema/service.json';
import { AGENCY_ID_SCHEME } from '../../hsds/hsds.mapper';
import { crossFieldProblems, ServiceRequestDto } from '../../service.request.dto';
import { RegisterAgencyRequestDto } from '../register-agency/register-agency.request.dto';

type Json = Record<string, unknown>;

export interface ImportDefaults {
  readonly region: string;
  readonly stakeholderType: StakeholderType;
  readonly domain: DomainOfSupport;
}

export interface Rejection {
  readonly kind: 'organization' | 'service';
  readonly index: number;
  readonly id: string | null;
  readonly name: string | null;
  readonly reasons: string[];
}

export interface PlannedOrganization {
  readonly hsdsId: string;
  readonly agency: RegisterAgencyRequestDto;
}

export interface PlannedService {
  readonly id: string;
  readonly organizationHsdsId: string;
  readonly service: ServiceRequestDto;
}

export interface ImportPlan {
  readonly organizations: PlannedOrganization[];
  readonly services: PlannedService[];
  readonly rejected: Rejection[];
}

let validators: { organization: ValidateFunction; service: ValidateFunction } | null = null;

/** The official HSDS 3.1 schemas carry documentation keywords of their own; ajv is told to ignore them. */
function hsdsValidators() {
  if (!validators) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const { services: _nested, ...organization } = (organizationSchema as { properties: Json }).properties;
    void _nested;
    validators = {
      organization: ajv.compile({ ...organizationSchema, properties: organization }),
      service: ajv.compile(serviceSchema),
    };
  }
  return validators;
}

function schemaErrors(validate: ValidateFunction): string[] {
  return (validate.errors ?? []).slice(0, 20).map((e) => `${e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(record)'}: ${e.message}`);
}

export function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 90) || 'agency'
  );
}

/** Accepts an HSDS page (`contents`), an array, `{ organizations, services }`, or one record. */
export function recordsOf(body: unknown): Json[] {
  if (Array.isArray(body)) return body as Json[];
  if (body && typeof body === 'object') {
    const o = body as Json;
    if (Array.isArray(o.contents)) return o.contents as Json[];
    // an organization record also has `services`; a bundle has no name of its own
    if ((Array.isArray(o.organizations) || Array.isArray(o.services)) && typeof o.name !== 'string') {
      return [...((o.organizations as Json[]) ?? []), ...((o.services as Json[]) ?? [])];
    }
    return [o];
  }
  return [];
}

/**
 * HSDS ids are UUIDs (the schemas check the format): read in lower case, the form the directory
 * stores, publishes and looks them up in, whatever case the file uses.
 */
function uuidOf(value: unknown): string | null {
  return typeof value === 'string' ? value.toLowerCase() : null;
}

function isService(record: Json): boolean {
  return typeof record.status === 'string' && !Array.isArray(record.services);
}

function identifier(record: Json, type: string): string | undefined {
  const ids = Array.isArray(record.organization_identifiers) ? (record.organization_identifiers as Json[]) : [];
  const found = ids.find((i) => i.identifier_scheme === AGENCY_ID_SCHEME && i.identifier_type === type);
  return typeof found?.identifier === 'string' ? found.identifier : undefined;
}

/**
 * Validates an HSDS 3 directory record by record (against the official schemas, then against the
 * directory's own rules) and plans what to load. Nothing is written here; every rejected record
 * comes back with its reasons.
 */
export function planImport(body: unknown, defaults: ImportDefaults, knownNeeds: ReadonlyMap<string, string>): ImportPlan {
  const { organization: validateOrganization, service: validateService } = hsdsValidators();
  const organizations: PlannedOrganization[] = [];
  const services: PlannedService[] = [];
  const rejected: Rejection[] = [];
  const serviceRecords: { record: Json; index: number; organizationId?: string }[] = [];
  const termCodesById = new Map([...knownNeeds.entries()].map(([code, id]) => [id, code]));

  recordsOf(body).forEach((record, index) => {
    if (!record || typeof record !== 'object' || Array.isArray(record)) {
      rejected.push({ kind: 'organization', index, id: null, name: null, reasons: ['record is not a JSON object'] });
      return;
    }
    if (isService(record)) {
      serviceRecords.push({ record, index });
      return;
    }
    const { services: nested, ...organization } = record;
    const name = typeof record.name === 'string' ? record.name : null;
    const id = uuidOf(record.id);
    if (!validateOrganization(organization)) {
      rejected.push({ kind: 'organization', index, id, name, reasons: schemaErrors(validateOrganization) });
      return;
    }
    const agency = {
      id: identifier(record, 'agency id') ?? slugify(record.name as string),
      name: record.name,
      description: record.description,
      stakeholderType: identifier(record, 'stakeholder type') ?? defaults.stakeholderType,
      region: identifier(record, 'region') ?? defaults.region,
      ...(typeof record.email === 'string' ? { email: record.email } : {}),
      ...(typeof record.website === 'string' ? { website: record.website } : {}),
      ...(typeof record.legal_status === 'string' ? { legalStatus: record.legal_status } : {}),
    };
    const checked = validatePlain(RegisterAgencyRequestDto, agency, { strict: true });
    if (!checked.ok) {
      rejected.push({ kind: 'organization', index, id, name, reasons: checked.errors });
      return;
    }
    organizations.push({ hsdsId: id as string, agency: checked.value });
    if (Array.isArray(nested)) for (const s of nested as Json[]) serviceRecords.push({ record: s, index, organizationId: id as string });
  });

  for (const { record, index, organizationId } of serviceRecords) {
    const id = uuidOf(record.id);
    const name = typeof record.name === 'string' ? record.name : null;
    const reject = (reasons: string[]) => rejected.push({ kind: 'service', index, id, name, reasons });
    if (!validateService(record)) {
      reject(schemaErrors(validateService));
      continue;
    }
    const orgId = uuidOf(record.organization_id) ?? organizationId;
    if (!orgId) {
      reject(['organization_id: a service must name the organization that provides it']);
      continue;
    }
    const attributes = Array.isArray(record.attributes) ? (record.attributes as Json[]) : [];
    const needs = [
      ...new Set(
        attributes
          .map((a) => {
            const term = a.taxonomy_term as Json | undefined;
            if (typeof term?.code === 'string' && knownNeeds.has(term.code)) return term.code;
            if (typeof a.taxonomy_term_id === 'string') return termCodesById.get(a.taxonomy_term_id.toLowerCase());
            return undefined;
          })
          .filter((c): c is string => typeof c === 'string'),
      ),
    ];
    const capacity = Array.isArray(record.capacities) ? (record.capacities[0] as Json | undefined) : undefined;
    const areas = Array.isArray(record.service_areas) ? (record.service_areas as Json[]).map((a) => a.name).filter((n): n is string => typeof n === 'string') : [];
    const locations = Array.isArray(record.service_at_locations)
      ? (record.service_at_locations as Json[])
          .map((sal) => sal.location as Json | undefined)
          .filter((l): l is Json => !!l && typeof l.name === 'string')
          .map((l) => {
            const address = Array.isArray(l.addresses) ? (l.addresses[0] as Json | undefined) : undefined;
            return {
              name: l.name,
              ...(typeof l.description === 'string' ? { description: l.description } : {}),
              ...(typeof l.latitude === 'number' ? { latitude: l.latitude } : {}),
              ...(typeof l.longitude === 'number' ? { longitude: l.longitude } : {}),
              ...(address ? { address1: address.address_1, city: address.city, postalCode: address.postal_code, country: address.country } : {}),
            };
          })
      : [];
    const contacts = Array.isArray(record.contacts)
      ? (record.contacts as Json[]).map((c) => ({
          ...(typeof c.name === 'string' ? { name: c.name } : {}),
          ...(typeof c.title === 'string' ? { title: c.title } : {}),
          ...(typeof c.department === 'string' ? { department: c.department } : {}),
          ...(typeof c.email === 'string' ? { email: c.email } : {}),
          ...(Array.isArray(c.phones) && typeof (c.phones[0] as Json)?.number === 'string' ? { phone: (c.phones[0] as Json).number } : {}),
        }))
      : [];
    const service = {
      name: record.name,
      ...(typeof record.description === 'string' ? { description: record.description } : {}),
      status: record.status,
      domain: defaults.domain,
      needs,
      ...(typeof record.minimum_age === 'number' ? { minimumAge: record.minimum_age } : {}),
      ...(typeof record.maximum_age === 'number' ? { maximumAge: record.maximum_age } : {}),
      ...(typeof record.eligibility_description === 'string' ? { eligibilityDescription: record.eligibility_description } : {}),
      ...(typeof record.application_process === 'string' ? { applicationProcess: record.application_process } : {}),
      ...(typeof record.fees_description === 'string' ? { feesDescription: record.fees_description } : {}),
      ...(typeof record.url === 'string' ? { url: record.url } : {}),
      ...(typeof record.email === 'string' ? { email: record.email } : {}),
      serviceAreas: areas.length > 0 ? [...new Set(areas)] : [defaults.region],
      locations,
      contacts,
      capacity: {
        available: typeof capacity?.available === 'number' ? capacity.available : 0,
        ...(typeof capacity?.maximum === 'number' ? { maximum: capacity.maximum } : {}),
        waitlistAllowed: false,
      },
    };
    const reasons: string[] = [];
    if (needs.length === 0) reasons.push('attributes: no term of the needs taxonomy (the service would be unfindable by need)');
    if (!(SERVICE_STATUSES as readonly string[]).includes(record.status as string)) reasons.push('status: not an HSDS service status');
    const checked = validatePlain(ServiceRequestDto, service, { strict: true });
    if (!checked.ok) reasons.push(...checked.errors.filter((e) => !(needs.length === 0 && e.startsWith('needs:'))));
    else reasons.push(...crossFieldProblems(checked.value));
    if (reasons.length > 0) {
      reject(reasons);
      continue;
    }
    services.push({ id: id as string, organizationHsdsId: orgId, service: (checked as { value: ServiceRequestDto }).value });
  }
  return { organizations, services, rejected: rejected.sort((a, b) => a.index - b.index) };
}
