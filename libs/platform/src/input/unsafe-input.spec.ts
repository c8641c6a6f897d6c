import { MAX_JSON_DEPTH, undecodableTargetProblems, unsafeInputProblems, unsafeTextProblem } from './unsafe-input';

/** `depth` objects nested in each other, built without recursion: `{ a: { a: … 1 } }`. */
function nested(depth: number, leaf: unknown = 1): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('unsafe text', () => {
  it.each([
    ['a NUL', 'a\u0000b', 'must not contain a NUL character (U+0000)'],
    ['a lone high surrogate', 'x\uD800y', 'must not contain a lone UTF-16 surrogate (not a Unicode character)'],
    ['a lone low surrogate', '\uDC00', 'must not contain a lone UTF-16 surrogate (not a Unicode character)'],
    ['a high surrogate at the end', 'p@example.org\uD83D', 'must not contain a lone UTF-16 surrogate (not a Unicode character)'],
  ])('refuses %s', (_what, text, problem) => {
    expect(unsafeTextProblem(text)).toBe(problem);
  });

  it.each([
    ['a surrogate pair (emoji)', '👩‍👩‍👧‍👦'],
    ['right-to-left text and marks', '\u202Eשלום مرحبا\u200F'],
    ['other control characters', '\t\r\n\u0001\u001f'],
    ['the last code point', '\u{10FFFF}'],
    ['an empty string', ''],
  ])('accepts %s', (_what, text) => {
    expect(unsafeTextProblem(text)).toBeUndefined();
  });
});

describe('unsafe input', () => {
  it('names each bad field by its path, in document order', () => {
    const body = { name: 'a\u0000', contact: { email: 'x\uD800y' }, locations: [{ name: 'ok' }, { city: '\u0000' }] };
    expect(unsafeInputProblems(body, 'body')).toEqual([
      'name: must not contain a NUL character (U+0000)',
      'contact.email: must not contain a lone UTF-16 surrogate (not a Unicode character)',
      'locations.1.city: must not contain a NUL character (U+0000)',
    ]);
  });

  it('refuses field names that are not text, shown escaped', () => {
    expect(unsafeInputProblems({ 'k\u0000': 1, ok: { '\uDC00x': 2 } })).toEqual([
      'k\\u0000: the field name must not contain a NUL character (U+0000)',
      'ok.\\udc00x: the field name must not contain a lone UTF-16 surrogate (not a Unicode character)',
    ]);
  });

  it('refuses field names that would vanish on the way to validation', () => {
    expect(unsafeInputProblems(JSON.parse('{"agreementVersion":"1","__proto__":{"x":1},"a":{"constructor":1,"prototype":2}}'))).toEqual([
      '__proto__: the field name is reserved and cannot be used',
      'a.constructor: the field name is reserved and cannot be used',
      'a.prototype: the field name is reserved and cannot be used',
    ]);
  });

  it('names the value itself when it is a string', () => {
    expect(unsafeInputProblems('\u0000', 'body')).toEqual(['body: must not contain a NUL character (U+0000)']);
  });

  it(`lets ${MAX_JSON_DEPTH} levels through and refuses one more`, () => {
    expect(unsafeInputProblems(nested(MAX_JSON_DEPTH))).toEqual([]);
    expect(unsafeInputProblems(nested(MAX_JSON_DEPTH + 1))).toEqual([`${Array(MAX_JSON_DEPTH).fill('a').join('.')}: must not nest deeper than ${MAX_JSON_DEPTH} levels`]);
  });

  it('counts arrays as levels too', () => {
    let deep: unknown = 1;
    for (let i = 0; i < MAX_JSON_DEPTH + 1; i++) deep = [deep];
    expect(unsafeInputProblems({ x: deep })).toHaveLength(1);
  });

  it('walks a value nested far deeper than the stack allows, without recursion', () => {
    expect(unsafeInputProblems({ extra: nested(200_000) }, 'body', 250_000)).toEqual([]);
    expect(unsafeInputProblems({ extra: nested(200_000, '\u0000') }, 'body', 250_000)).toHaveLength(1);
  });

  it('reports at most ten problems and cuts long field names', () => {
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, '\u0000']));
    expect(unsafeInputProblems(many)).toHaveLength(10);
    expect(unsafeInputProblems({ ['k'.repeat(500)]: '\u0000' })).toEqual([`${'k'.repeat(40)}…: must not contain a NUL character (U+0000)`]);
  });

  it('accepts ordinary values of every JSON type', () => {
    expect(unsafeInputProblems({ a: 1, b: true, c: null, d: ['x', { e: 'é' }], f: '' })).toEqual([]);
  });
});

describe('undecodable request targets', () => {
  it('names each path segment and query parameter that is not percent-encoded UTF-8', () => {
    expect(undecodableTargetProblems('/referrals/%E0%A4%A/accept?region=%zz&ok=%C3%A9&%ff=1')).toEqual([
      "path: '%E0%A4%A' is not percent-encoded UTF-8",
      "region: 'region=%zz' is not percent-encoded UTF-8",
      "query: '%ff=1' is not percent-encoded UTF-8",
    ]);
  });

  it('accepts what decodes, however odd', () => {
    expect(undecodableTargetProblems('/clients/c-%00/journey?q=a+b%20c&x=%F0%9F%92%A5&flag&=&')).toEqual([]);
  });
});
