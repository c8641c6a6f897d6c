import { validatePlain } from '@umbrella/contracts';
import { ServiceRequestDto } from './service.request.dto';

/** The service a directory offers, as the API validates it (strictly, like the HTTP validation pipe). */
const valid = { name: 'Basic skills', domain: 'training', needs: ['skills-and-training'], serviceAreas: ['northbridge'], capacity: { available: 3 } };
const problems = (body: unknown) => {
  const result = validatePlain(ServiceRequestDto, body, { strict: true });
  return result.ok ? [] : result.errors;
};

describe('a service request', () => {
  it('is valid with the required fields', () => {
    expect(problems(valid)).toEqual([]);
    expect(problems({ ...valid, locations: [{ name: 'Quay campus' }], contacts: [{ name: 'Desk' }] })).toEqual([]);
  });

  it.each([
    ['without capacity', { ...valid, capacity: undefined }, 'capacity: capacity is required'],
    ['with capacity null', { ...valid, capacity: null }, 'capacity: capacity is required'],
    ['with capacity an empty array', { ...valid, capacity: [] }, 'capacity: capacity must be an object'],
    ['with capacity an array of objects', { ...valid, capacity: [{ available: 1 }] }, 'capacity: capacity must be an object'],
    ['with a location that is an array', { ...valid, locations: [[]] }, 'locations: each of locations must be an object'],
    ['with a contact that is an array', { ...valid, contacts: [[]] }, 'contacts: each of contacts must be an object'],
  ])('is refused %s, naming the field', (_what, body, problem) => {
    expect(problems(body)).toContain(problem);
  });
});
