import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planImport, recordsOf, slugify } from './hsds-import';

const officialExample = JSON.parse(readFileSync(join(__dirname, '../../hsds/fixtures/organization_full.json'), 'utf8'));
const needs = new Map([
  ['skills-and-training', '84e1fd86-1fa2-5cb9-97a8-1452102ea76a'],
  ['confidence-and-motivation', '603e5223-f381-5059-9862-6ed2b5802184'],
]);
const defaults = { region: 'northbridge', stakeholderType: 'ngo' as const, domain: 'training' as const };
const orgId = officialExample.id as string;

function service(overrides: Record<string, unknown> = {}) {
  return {
    id: 'c0a80101-0000-4000-8000-000000000001',
    organization_id: orgId,
    name: 'Basic skills',
    status: 'active',
    minimum_age: 19,
    attributes: [{ id: 'c0a80101-0000-4000-8000-0000000000a1', taxonomy_term: { id: needs.get('skills-and-training'), code: 'skills-and-training', name: 'Skills', description: 'Skills' } }],
    capacities: [{ id: 'c0a80101-0000-4000-8000-0000000000c1', unit: { id: 'c0a80101-0000-4000-8000-0000000000d1', name: 'places' }, available: 4, maximum: 10, updated: '2026-11-01T09:00:00Z' }],
    ...overrides,
  };
}

describe('HSDS import planning', () => {
  it('accepts the specification’s own example organization', () => {
    const plan = planImport([officialExample], defaults, needs);
    expect(plan.organizations).toHaveLength(1);
    expect(plan.organizations[0]).toMatchObject({ hsdsId: orgId, agency: { name: officialExample.name, region: 'northbridge', stakeholderType: 'ngo' } });
  });

  it('rejects the example’s service with every reason: foreign terms, a latitude of 100, a sentence for an area, a quoted phone number', () => {
    const plan = planImport([officialExample], defaults, needs);
    expect(plan.services).toHaveLength(0);
    expect(plan.rejected).toEqual([
      {
        kind: 'service',
        index: 0,
        id: 'ac148810-d857-441c-9679-408f346de14b',
        name: 'Community Counselling',
        reasons: [
          'attributes: no term of the needs taxonomy (the service would be unfindable by need)',
          'serviceAreas: each value in serviceAreas must be shorter than or equal to 100 characters',
          'locations.0.latitude: latitude must be a latitude string or number',
          'contacts.0.phone: phone must be a telephone number',
        ],
      },
    ]);
  });

  it('plans good services and reports every broken record with its reasons', () => {
    const body = {
      organizations: [officialExample, { id: 'not-a-uuid', description: 'no name' }],
      services: [
        service(),
        service({ id: 'c0a80101-0000-4000-8000-000000000002', name: 'Bad ages', minimum_age: 30, maximum_age: 20 }),
        service({ id: 'c0a80101-0000-4000-8000-000000000003', status: 'sometimes' }),
        service({ id: 'c0a80101-0000-4000-8000-000000000004', capacities: [{ id: 'c0a80101-0000-4000-8000-0000000000c2', unit: { id: 'c0a80101-0000-4000-8000-0000000000d2', name: 'places' }, available: -3, updated: '2026-11-01T09:00:00Z' }] }),
        service({ id: 'c0a80101-0000-4000-8000-000000000005', organization_id: undefined }),
        { name: 'No id or status' },
      ],
    };
    const plan = planImport(body, defaults, needs);
    expect(plan.organizations.map((o) => o.hsdsId)).toEqual([orgId]);
    expect(plan.services.map((s) => s.id)).toEqual(['c0a80101-0000-4000-8000-000000000001']);
    expect(plan.services[0].service).toMatchObject({ name: 'Basic skills', needs: ['skills-and-training'], minimumAge: 19, capacity: { available: 4, maximum: 10 }, serviceAreas: ['northbridge'] });
    const reasons = Object.fromEntries(plan.rejected.map((r) => [r.name ?? r.id ?? String(r.index), r.reasons.join(' | ')]));
    expect(reasons['not-a-uuid']).toMatch(/name/);
    expect(reasons['not-a-uuid']).toMatch(/id: must match format "uuid"/);
    expect(reasons['Bad ages']).toBe('minimumAge: minimumAge must not be above maximumAge');
    expect(plan.rejected.find((r) => r.id === 'c0a80101-0000-4000-8000-000000000003')?.reasons.join()).toMatch(/status: must be equal to one of the allowed values/);
    expect(plan.rejected.find((r) => r.id === 'c0a80101-0000-4000-8000-000000000004')?.reasons.join()).toMatch(/capacity.available: available must not be less than 0/);
    expect(plan.rejected.find((r) => r.id === 'c0a80101-0000-4000-8000-000000000005')?.reasons).toEqual(['organization_id: a service must name the organization that provides it']);
    expect(plan.rejected.some((r) => r.name === 'No id or status')).toBe(true);
  });

  it('reads ids in any case, in lower case as the directory keeps them', () => {
    const upper = orgId.toUpperCase();
    const plan = planImport(
      { organizations: [{ ...officialExample, id: upper, services: [] }], services: [service({ id: 'C0A80101-0000-4000-8000-0000000000F1', organization_id: upper })] },
      defaults,
      needs,
    );
    expect(plan.organizations.map((o) => o.hsdsId)).toEqual([orgId]);
    expect(plan.services.map((s) => [s.id, s.organizationHsdsId])).toEqual([['c0a80101-0000-4000-8000-0000000000f1', orgId]]);
  });

  it('reads pages, arrays, bundles and single records', () => {
    expect(recordsOf({ contents: [1, 2] })).toEqual([1, 2]);
    expect(recordsOf([1])).toEqual([1]);
    expect(recordsOf({ organizations: [1], services: [2] })).toEqual([1, 2]);
    expect(recordsOf({ id: 'x' })).toEqual([{ id: 'x' }]);
    expect(recordsOf({ id: 'x', name: 'An organization', services: [] })).toEqual([{ id: 'x', name: 'An organization', services: [] }]);
    expect(recordsOf('nonsense')).toEqual([]);
  });

  it('makes agency ids from names', () => {
    expect(slugify('Harbour Skills College (Quay Campus)')).toBe('harbour-skills-college-quay-campus');
    expect(slugify('Café Émile')).toBe('cafe-emile');
    expect(slugify('***')).toBe('agency');
  });
});
