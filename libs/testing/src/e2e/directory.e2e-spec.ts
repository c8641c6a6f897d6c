import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { Client } from 'pg';
import { TOPICS } from '@umbrella/contracts';
import { http, readTopic, REPO_ROOT, signWhenPublished, startPlatform, TestPlatform, tokenFor } from '../index';

/**
 * The agency directory on the running service: HSDS-aligned records, needs-based search, capacity,
 * signatures and their events, the HSDS API validated against the official 3.1 schemas, the HSDS
 * import, the information pack, and bad input.
 */
const run = randomUUID().slice(0, 8);
const region = `dir-${run}`;
const HSDS = join(REPO_ROOT, '..', 'shared', 'hsds');

function hsdsValidators() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const file of readdirSync(join(HSDS, 'schema')).filter((f) => f.endsWith('.json') && f !== 'openapi.json')) {
    ajv.addSchema(JSON.parse(readFileSync(join(HSDS, 'schema', file), 'utf8')), file);
  }
  const compiled = (name: string) => ajv.compile(JSON.parse(readFileSync(join(HSDS, 'schema', 'compiled', `${name}.json`), 'utf8')));
  // A list response is the OpenAPI document's Page with `contents` of the *_list schema.
  const openapi = JSON.parse(readFileSync(join(HSDS, 'schema', 'openapi.json'), 'utf8'));
  const page = (item: string) =>
    ajv.compile({
      ...openapi.components.schemas.Page,
      required: ['total_items', 'total_pages', 'page_number', 'size', 'first_page', 'last_page', 'empty', 'contents'],
      properties: { ...openapi.components.schemas.Page.properties, contents: { type: 'array', items: JSON.parse(readFileSync(join(HSDS, 'schema', 'compiled', `${item}.json`), 'utf8')) } },
    });
  return {
    serviceList: page('service_list'),
    service: compiled('service'),
    organizationList: page('organization_list'),
    organization: compiled('organization'),
    serviceAtLocationList: page('service_at_location_list'),
    taxonomyTerm: ajv.getSchema('taxonomy_term.json') as ValidateFunction,
    taxonomy: ajv.getSchema('taxonomy.json') as ValidateFunction,
  };
}

function expectValid(validate: ValidateFunction, data: unknown): void {
  const ok = validate(data);
  expect(ok ? [] : validate.errors?.map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
}

describe('agency directory', () => {
  let platform: TestPlatform;
  const url = (path: string) => platform.url('agency-directory', path);
  const agencies = { college: `${region}-college`, trust: `${region}-trust`, homes: `${region}-homes`, unsigned: `${region}-unsigned` };
  const tokens = {} as Record<'coordinator' | 'collegeAdmin' | 'trustAdmin' | 'caseworker', string>;
  const services: Record<string, string> = {};

  const service = (name: string, overrides: Record<string, unknown> = {}) => ({
    name,
    description: `${name} in ${region}`,
    domain: 'training',
    needs: ['skills-and-training'],
    targetGroups: ['everyone'],
    serviceAreas: [region],
    locations: [{ name: `${name} centre`, address1: '1 Quay Road', city: 'Northbridge', postalCode: 'NB1 2AB', country: 'GB', latitude: 54.9, longitude: -1.6 }],
    contacts: [{ name: 'Referrals desk', email: 'desk@example.org', phone: '+44 1632 960001' }],
    capacity: { available: 5, maximum: 10, waitlistAllowed: true },
    ...overrides,
  });

  beforeAll(async () => {
    platform = await startPlatform(16000, 'directory');
    tokens.coordinator = await tokenFor('coordinator');
    tokens.collegeAdmin = await tokenFor('agency-admin', agencies.college);
    tokens.trustAdmin = await tokenFor('agency-admin', agencies.trust);
    tokens.caseworker = await tokenFor('caseworker', agencies.homes);
    const profiles = [
      { id: agencies.college, name: 'Dir College', stakeholderType: 'education-or-training-provider' },
      { id: agencies.trust, name: 'Dir Trust', stakeholderType: 'ngo' },
      { id: agencies.homes, name: 'Dir Homes', stakeholderType: 'housing' },
      { id: agencies.unsigned, name: 'Dir Unsigned', stakeholderType: 'ngo' },
    ];
    for (const p of profiles) {
      const res = await http('POST', url('/agencies'), { token: tokens.coordinator, body: { ...p, region, email: `hello@${p.id}.example`, website: `https://${p.id}.example` } });
      expect(res.status).toBe(201);
    }
    const offer = async (agency: string, token: string, body: Record<string, unknown>) => {
      const res = await http('POST', url(`/agencies/${agency}/services`), { token, body });
      expect(res.status).toBe(201);
      services[body.name as string] = res.body.id;
    };
    await offer(agencies.college, tokens.collegeAdmin, service('Basic skills and confidence', { needs: ['skills-and-training', 'confidence-and-motivation'], minimumAge: 19 }));
    await offer(agencies.college, tokens.collegeAdmin, service('Traineeship full', { needs: ['skills-and-training', 'confidence-and-motivation'], minimumAge: 16, maximumAge: 24, capacity: { available: 0, maximum: 8 } }));
    await offer(agencies.college, tokens.collegeAdmin, service('Apprenticeships', { needs: ['skills-and-training'], minimumAge: 16, maximumAge: 24, targetGroups: ['young-people'] }));
    await offer(agencies.trust, tokens.trustAdmin, service('Confidence course', { domain: 'confidence-and-motivation', needs: ['confidence-and-motivation'], minimumAge: 18 }));
    await offer(agencies.trust, tokens.trustAdmin, service('Over 50s club', { domain: 'confidence-and-motivation', needs: ['confidence-and-motivation', 'skills-and-training'], minimumAge: 50 }));
    await offer(agencies.trust, tokens.trustAdmin, service('Housing advice', { domain: 'housing', needs: ['housing'] }));
    for (const [agency, token] of [
      [agencies.college, tokens.collegeAdmin],
      [agencies.trust, tokens.trustAdmin],
      [agencies.homes, tokens.coordinator],
    ]) {
      expect((await signWhenPublished(platform, token, agency, '1')).status).toBe(200);
    }
  }, 120000);

  afterAll(async () => {
    await platform?.stop();
  });

  describe('search', () => {
    it('finds "training + confidence, age 22, has capacity" and ranks exact need matches with places first', async () => {
      const res = await http('GET', url(`/services/search?needs=skills-and-training,confidence-and-motivation&age=22&hasCapacity=true&region=${region}`), { token: tokens.caseworker });
      expect(res.status).toBe(200);
      expect(res.body.results.map((r: { name: string }) => r.name)).toEqual(['Basic skills and confidence', 'Apprenticeships', 'Confidence course']);
      expect(res.body.results[0].match).toEqual({ needsMatched: 2, needsRequested: 2, exactNeedMatch: true });
      expect(res.body.results[0].capacity).toMatchObject({ available: 5, maximum: 10, hasCapacity: true });
      expect(res.body.total).toBe(3);
    });

    it('without the capacity filter, ranks the full exact match after the exact match with places', async () => {
      const res = await http('GET', url(`/services/search?needs=skills-and-training,confidence-and-motivation&age=22&region=${region}`), { token: tokens.caseworker });
      expect(res.body.results.map((r: { name: string }) => r.name).slice(0, 2)).toEqual(['Basic skills and confidence', 'Traineeship full']);
    });

    it('filters by target group, domain and free text, and pages', async () => {
      const young = await http('GET', url(`/services/search?targetGroup=young-people&region=${region}`), { token: tokens.caseworker });
      expect(young.body.results.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(['Apprenticeships']));
      const housing = await http('GET', url(`/services/search?domain=housing&region=${region}`), { token: tokens.caseworker });
      expect(housing.body.results.map((r: { name: string }) => r.name)).toEqual(['Housing advice']);
      const text = await http('GET', url(`/services/search?q=apprenticeships&region=${region}`), { token: tokens.caseworker });
      expect(text.body.results.map((r: { name: string }) => r.name)).toEqual(['Apprenticeships']);
      const paged = await http('GET', url(`/services/search?region=${region}&perPage=2&page=2`), { token: tokens.caseworker });
      expect(paged.body).toMatchObject({ page: 2, perPage: 2, total: 6, totalPages: 3 });
      expect(paged.body.results).toHaveLength(2);
      const past = await http('GET', url(`/services/search?region=${region}&perPage=2&page=9`), { token: tokens.caseworker });
      expect(past.body).toMatchObject({ page: 9, total: 6, results: [] });
    });

    it.each([
      ['needs=astrology', 'DIRECTORY.UNKNOWN_NEED'],
      ['age=-1', 'VALIDATION_FAILED'],
      ['age=old', 'VALIDATION_FAILED'],
      ['hasCapacity=maybe', 'VALIDATION_FAILED'],
      ['domain=astrology', 'VALIDATION_FAILED'],
      ['perPage=1000', 'VALIDATION_FAILED'],
    ])('answers ?%s with 400 %s', async (query, code) => {
      const res = await http('GET', url(`/services/search?${query}`), { token: tokens.caseworker });
      expect(res).toMatchObject({ status: 400, body: { code } });
    });
  });

  describe('capacity, withdrawal and signatures', () => {
    it('updates capacity with one cheap call and publishes ServiceCapacityChanged keyed by agency', async () => {
      const id = services['Confidence course'];
      const res = await http('PUT', url(`/services/${id}/capacity`), { token: tokens.trustAdmin, body: { available: 2 } });
      expect(res).toMatchObject({ status: 200, body: { serviceId: id, agencyId: agencies.trust, available: 2, maximum: 10, waitlistAllowed: true } });
      const messages = await readTopic(process.env.KAFKA_BROKERS as string, TOPICS.agencies.name, (m) =>
        m.some((x) => x.headers['event-type'] === 'ServiceCapacityChanged' && JSON.parse(x.value!).data.serviceId === id),
      );
      const event = messages.find((x) => x.headers['event-type'] === 'ServiceCapacityChanged' && JSON.parse(x.value!).data.serviceId === id)!;
      expect(event.key).toBe(agencies.trust);
      expect(JSON.parse(event.value!)).toMatchObject({ type: 'ServiceCapacityChanged', schemaVersion: 1, data: { available: 2, maximum: 10 }, actor: { agencyId: agencies.trust } });
    });

    it("refuses an agency admin managing another agency's service", async () => {
      const res = await http('PUT', url(`/services/${services['Confidence course']}/capacity`), { token: tokens.collegeAdmin, body: { available: 9 } });
      expect(res).toMatchObject({ status: 403, body: { code: 'ACCESS.OTHER_AGENCY' } });
      const offered = await http('POST', url(`/agencies/${agencies.trust}/services`), { token: tokens.collegeAdmin, body: service('Sneaky') });
      expect(offered).toMatchObject({ status: 403, body: { code: 'ACCESS.OTHER_AGENCY' } });
    });

    it('withdraws a service: it leaves search but stays on record as defunct', async () => {
      const id = services['Housing advice'];
      expect((await http('DELETE', url(`/services/${id}`), { token: tokens.trustAdmin })).status).toBe(204);
      expect((await http('GET', url(`/services/${id}`), { token: tokens.caseworker })).body.status).toBe('defunct');
      const search = await http('GET', url(`/services/search?domain=housing&region=${region}`), { token: tokens.caseworker });
      expect(search.body.total).toBe(0);
      expect((await http('PUT', url(`/services/${id}/capacity`), { token: tokens.trustAdmin, body: { available: 1 } })).body.code).toBe('SERVICE.WITHDRAWN');
    });

    it('lets only a coordinator suspend a signature, and publishes both decisions', async () => {
      expect((await http('POST', url(`/agencies/${agencies.homes}/signatures/1/suspension`), { token: tokens.trustAdmin, body: { reason: 'x' } })).status).toBe(403);
      const suspended = await http('POST', url(`/agencies/${agencies.homes}/signatures/1/suspension`), { token: tokens.coordinator, body: { reason: 'Under review' } });
      expect(suspended.body).toMatchObject({ agencyId: agencies.homes, agreementVersion: '1', status: 'suspended', suspensionReason: 'Under review' });
      const notSigned = await http('POST', url(`/agencies/${agencies.unsigned}/signatures/1/suspension`), { token: tokens.coordinator, body: { reason: 'x' } });
      expect(notSigned.body.code).toBe('AGREEMENT.NOT_SIGNED');
      const messages = await readTopic(process.env.KAFKA_BROKERS as string, TOPICS.agencies.name, (m) => m.some((x) => x.key === agencies.homes && x.headers['event-type'] === 'AgreementSignatureSuspended'));
      const types = messages.filter((x) => x.key === agencies.homes).map((x) => x.headers['event-type']);
      expect(types).toEqual(['AgencyRegistered', 'AgreementSigned', 'AgreementSignatureSuspended']);
    });
  });

  describe('HSDS', () => {
    const v = hsdsValidators();

    it('serves services, organizations, taxonomies, terms and service-at-locations that validate against the HSDS 3.1 schemas', async () => {
      const token = tokens.caseworker;
      const serviceList = await http('GET', url('/hsds/services?per_page=5'), { token });
      expectValid(v.serviceList, serviceList.body);
      expect(serviceList.body).toMatchObject({ page_number: 1, size: 5, first_page: true });
      const one = await http('GET', url(`/hsds/services/${services['Basic skills and confidence']}`), { token });
      expectValid(v.service, one.body);
      expect(one.body.attributes.map((a: { taxonomy_term: { code: string } }) => a.taxonomy_term.code).sort()).toEqual(['confidence-and-motivation', 'skills-and-training']);
      expect(one.body.capacities[0]).toMatchObject({ available: 5, maximum: 10 });
      const orgs = await http('GET', url('/hsds/organizations?per_page=50'), { token });
      expectValid(v.organizationList, orgs.body);
      const college = orgs.body.contents.find((o: { name: string }) => o.name === 'Dir College');
      const org = await http('GET', url(`/hsds/organizations/${college.id}`), { token });
      expectValid(v.organization, org.body);
      expect(org.body.services).toHaveLength(3);
      const sal = await http('GET', url('/hsds/service_at_locations?per_page=5'), { token });
      expectValid(v.serviceAtLocationList, sal.body);
      const terms = await http('GET', url('/hsds/taxonomy_terms'), { token });
      expect(terms.body.total_items).toBeGreaterThanOrEqual(11);
      for (const term of terms.body.contents) expectValid(v.taxonomyTerm, term);
      const taxonomies = await http('GET', url('/hsds/taxonomies'), { token });
      for (const t of taxonomies.body.contents) expectValid(v.taxonomy, t);
      expect((await http('GET', url('/hsds/services/not-a-uuid'), { token })).status).toBe(400);
      expect((await http('GET', url(`/hsds/services/${randomUUID()}`), { token })).status).toBe(404);
    });

    it('imports a directory with broken records: loads the good ones and reports the rest', async () => {
      const example = JSON.parse(readFileSync(join(HSDS, 'examples', 'organization_full.json'), 'utf8'));
      const orgId = randomUUID();
      const good = {
        id: randomUUID(),
        organization_id: orgId,
        name: `Imported skills ${run}`,
        status: 'active',
        minimum_age: 18,
        attributes: [{ id: randomUUID(), taxonomy_term: { id: randomUUID(), code: 'skills-and-training', name: 'Skills', description: 'Skills' } }],
        service_areas: [{ id: randomUUID(), name: region }],
        capacities: [{ id: randomUUID(), unit: { id: randomUUID(), name: 'places' }, available: 3, updated: '2026-11-01T09:00:00Z' }],
      };
      const body = {
        organizations: [{ ...example, id: orgId, name: `Imported Org ${run}`, services: [] }, { id: randomUUID(), description: 'no name' }],
        services: [good, { ...good, id: randomUUID(), name: 'Negative', capacities: [{ ...good.capacities[0], id: randomUUID(), available: -1 }] }, { ...good, id: 'bad', name: 'Bad id' }],
      };
      const res = await http('POST', url(`/hsds/import?region=${region}`), { token: tokens.coordinator, body });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ organizations: { created: 1, updated: 0 }, services: { created: 1, updated: 0 } });
      expect(res.body.rejected.map((r: { name: string | null; kind: string }) => `${r.kind}:${r.name}`).sort()).toEqual(['organization:null', 'service:Bad id', 'service:Negative']);
      const hsdsOrg = await http('GET', url(`/hsds/organizations/${orgId}`), { token: tokens.caseworker });
      expect(hsdsOrg.body.services.map((s: { name: string }) => s.name)).toEqual([`Imported skills ${run}`]);
      const again = await http('POST', url(`/hsds/import?region=${region}`), { token: tokens.coordinator, body: { organizations: [body.organizations[0]], services: [good] } });
      expect(again.body).toMatchObject({ organizations: { created: 0, updated: 1 }, services: { created: 0, updated: 1 }, rejected: [] });
      expect((await http('POST', url(`/hsds/import?region=${region}`), { token: tokens.trustAdmin, body })).status).toBe(403);
      expect((await http('POST', url('/hsds/import'), { token: tokens.coordinator, body })).status).toBe(400);
    });
  });

  describe('profiles and the information pack', () => {
    it("shows an agency's profile with signatures and services", async () => {
      const res = await http('GET', url(`/agencies/${agencies.college}/profile`), { token: tokens.caseworker });
      expect(res.body.agency).toMatchObject({ id: agencies.college, stakeholderType: 'education-or-training-provider', email: `hello@${agencies.college}.example` });
      expect(res.body.signatures).toEqual([expect.objectContaining({ agreementVersion: '1', status: 'signed' })]);
      expect(res.body.services).toHaveLength(3);
    });

    it('prints a regional pack of signatory agencies only, in HTML and Markdown', async () => {
      const res = await fetch(url(`/regions/${region}/information-pack`), { headers: { authorization: `Bearer ${tokens.caseworker}` } });
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      const html = await res.text();
      expect(html).toContain('Dir College');
      expect(html).toContain('Basic skills and confidence');
      expect(html).not.toContain('Dir Unsigned');
      expect(html).not.toContain('Dir Homes');
      const md = await http('GET', url(`/regions/${region}/information-pack?format=markdown`), { token: tokens.caseworker });
      expect(md.body).toContain('## Dir Trust');
      expect((await http('GET', url('/regions/nowhere-at-all/information-pack'), { token: tokens.caseworker })).body.code).toBe('DIRECTORY.REGION_UNKNOWN');
    });
  });

  describe('bad input', () => {
    it.each([
      ['an unknown taxonomy term', { needs: ['astrology'] }, 'DIRECTORY.UNKNOWN_NEED', 'needs: astrology is not a term of the needs taxonomy'],
      ['negative capacity', { capacity: { available: -1 } }, 'VALIDATION_FAILED', 'capacity.available: available must not be less than 0'],
      ['a minimum age above the maximum', { minimumAge: 30, maximumAge: 20 }, 'VALIDATION_FAILED', 'minimumAge: minimumAge must not be above maximumAge'],
      ['more places than the maximum', { capacity: { available: 11, maximum: 10 } }, 'VALIDATION_FAILED', 'capacity.available: available must not be above maximum'],
      ['an unknown status', { status: 'sometimes' }, 'VALIDATION_FAILED', 'status: status must be one of the following values: active, inactive, defunct, temporarily closed'],
    ])('refuses %s with 400 and writes nothing', async (_what, overrides, code, error) => {
      const name = `Rejected ${randomUUID().slice(0, 6)}`;
      const res = await http('POST', url(`/agencies/${agencies.college}/services`), { token: tokens.collegeAdmin, body: service(name, overrides) });
      expect(res).toMatchObject({ status: 400, body: { code } });
      expect(res.body.errors).toContain(error);
      const db = new Client({ connectionString: platform.databases['agency-directory'] });
      await db.connect();
      try {
        expect((await db.query('SELECT 1 FROM service WHERE name = $1', [name])).rowCount).toBe(0);
        expect((await db.query(`SELECT 1 FROM outbox WHERE envelope->'data'->>'name' = $1`, [name])).rowCount).toBe(0);
      } finally {
        await db.end();
      }
    });

    it('refuses an unknown agency, a bad service id and a bad body', async () => {
      expect((await http('POST', url('/agencies/no-such-agency/services'), { token: tokens.coordinator, body: service('Orphan') })).body.code).toBe('AGENCY.NOT_FOUND');
      expect((await http('PUT', url('/services/not-a-uuid/capacity'), { token: tokens.coordinator, body: { available: 1 } })).status).toBe(400);
      expect((await http('PUT', url(`/services/${randomUUID()}/capacity`), { token: tokens.coordinator, body: { available: 1 } })).body.code).toBe('SERVICE.NOT_FOUND');
      expect((await http('PUT', url(`/agencies/${agencies.trust}`), { token: tokens.trustAdmin, body: { name: '' } })).status).toBe(400);
    });
  });

  describe('versions an agency may sign', () => {
    const late = `${region}-late`;
    const version = `9-${run}`;
    const signatures = async () => (await http('GET', url(`/agencies/${late}/signatures`), { token: tokens.coordinator })).body.map((x: { agreementVersion: string }) => x.agreementVersion);

    it('refuses a version nobody published, then signs it once the referral service has published it', async () => {
      expect((await http('POST', url('/agencies'), { token: tokens.coordinator, body: { id: late, name: 'Dir Late', stakeholderType: 'ngo', region } })).status).toBe(201);
      const admin = await tokenFor('agency-admin', late);
      for (const agreementVersion of [version, '42']) {
        const refused = await http('POST', url(`/agencies/${late}/signatures`), { token: admin, body: { agreementVersion } });
        expect(refused).toMatchObject({ status: 422, body: { code: 'AGREEMENT.UNKNOWN_VERSION' } });
      }
      expect(await signatures()).toEqual([]);

      const active = await http('GET', platform.url('referral', '/agreements/active'), { token: tokens.coordinator });
      const published = await http('POST', platform.url('referral', '/agreements'), { token: tokens.coordinator, body: { document: { ...active.body.document, version } } });
      expect(published).toMatchObject({ status: 201, body: { version } });
      // the directory hears of it by event: until then the same refusal, which a client retries
      const signed = await signWhenPublished(platform, admin, late, version);
      expect(signed).toMatchObject({ status: 200, body: { agencyId: late, agreementVersion: version, status: 'signed' } });
      expect(await signatures()).toEqual([version]);
      expect((await http('POST', url(`/agencies/${late}/signatures`), { token: admin, body: { agreementVersion: '42' } })).body.code).toBe('AGREEMENT.UNKNOWN_VERSION');
      const messages = await readTopic(process.env.KAFKA_BROKERS as string, TOPICS.agencies.name, (m) => m.some((x) => x.key === late && x.headers['event-type'] === 'AgreementSigned'));
      expect(messages.filter((x) => x.key === late && x.headers['event-type'] === 'AgreementSigned').map((x) => JSON.parse(x.value!).data.agreementVersion)).toEqual([version]);
    });
  });
});
