import { casesFor, FuzzContext, OpenApiDocument, operationsOf, SURE_KINDS } from './openapi-fuzz';
import { fuzzSeed, Random } from './random';

const doc: OpenApiDocument = {
  paths: {
    '/things': {
      get: { parameters: [{ name: 'kind', in: 'query', schema: { type: 'string', enum: ['a', 'b'] } }] },
      post: { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } } },
    },
    '/things/{id}': { get: {}, delete: {} },
    '/things/search': { get: {} },
  },
  components: {
    schemas: {
      Thing: { type: 'object', properties: { name: { type: 'string' }, size: { type: 'number' }, where: { $ref: '#/components/schemas/Place' } }, required: ['name', 'where'] },
      Place: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
};

function context(seed: number): FuzzContext {
  return { random: new Random(seed), fixture: () => [], forgedTokens: [undefined, 'Bearer x'], isPublic: () => false, largeBodyPrefixes: [], bodyLimitBytes: 1024 };
}

describe('bad requests from an OpenAPI document', () => {
  it('are the same for the same seed, and differ for another', () => {
    const run = (seed: number) => {
      const ctx = context(seed);
      return operationsOf(doc).flatMap((op) => casesFor(op, ctx, 30).map((c) => [c.kind, c.method, c.target, c.headers, c.body, c.note]));
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });

  it('resolve body schemas and know which methods a path is served with', () => {
    const ops = operationsOf(doc);
    const post = ops.find((o) => o.name === 'POST /things');
    expect(post?.body?.properties?.where?.properties?.city).toEqual({ type: 'string' });
    // `/things/{id}` serves `/things/search` too: DELETE there is a route, not a 404
    expect(new Set(ops.find((o) => o.name === 'GET /things/search')?.methodsOfPath)).toEqual(new Set(['GET', 'DELETE']));
  });

  it('try every kind that fits an operation, and give a write at least one the service must refuse', () => {
    const post = operationsOf(doc).find((o) => o.name === 'POST /things');
    const cases = casesFor(post as NonNullable<typeof post>, context(7), 60);
    const kinds = new Set(cases.map((c) => c.kind));
    for (const kind of ['body.wrong-type', 'body.missing-required', 'body.extra-field', 'body.deep', 'body.nul', 'body.surrogate', 'body.malformed', 'body.oversize', 'auth.forged', 'route.method', 'body.huge-string', 'body.exotic-string']) {
      expect(kinds).toContain(kind);
    }
    // the unsure ones are paired with a sure one; every request to a write carries one
    expect(cases.filter((c) => !c.mutations.some((m) => SURE_KINDS.includes(m)))).toEqual([]);
    expect(cases.filter((c) => c.kind === 'body.exotic-string').every((c) => c.mutations.length === 2)).toBe(true);
  });

  it('take the seed from FUZZ_SEED, and refuse one that is not a 32-bit integer', () => {
    expect(fuzzSeed({ FUZZ_SEED: '12345' })).toBe(12345);
    expect(() => fuzzSeed({ FUZZ_SEED: 'abc' })).toThrow(/FUZZ_SEED/);
    expect(Number.isInteger(fuzzSeed({}))).toBe(true);
  });
});
