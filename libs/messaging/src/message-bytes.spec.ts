import { bytesAsText, findUnstorableString, isStorableText, jsonNestsDeeperThan, storableText, textOrBase64 } from './message-bytes';

describe('bytes PostgreSQL text can hold', () => {
  it('reads valid UTF-8 without NUL as text, byte for byte', () => {
    for (const text of ['', 'plain', 'Zoë — 東京 🙂', '\uFEFFwith a byte order mark', 'tab\tand\nnewline']) {
      expect(bytesAsText(Buffer.from(text, 'utf8'))).toBe(text);
    }
  });

  it('refuses NUL, bytes that are not UTF-8, encoded surrogates and overlong forms', () => {
    for (const bytes of [[0x61, 0x00, 0x62], [0xff, 0xfe], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf8, 0x88, 0x80, 0x80, 0x80]]) {
      expect({ bytes, text: bytesAsText(Buffer.from(bytes)) }).toEqual({ bytes, text: null });
    }
  });

  it('gives base64 exactly when the bytes are not text', () => {
    expect(textOrBase64(Buffer.from('ok'))).toEqual({ text: 'ok', base64: null });
    expect(textOrBase64(Buffer.from([0x00, 0xff]))).toEqual({ text: null, base64: 'AP8=' });
  });

  it('tells strings with NUL or a lone surrogate apart, and writes them out readably', () => {
    expect(isStorableText('a 🙂 b')).toBe(true);
    expect(isStorableText('a\u0000b')).toBe(false);
    expect(isStorableText('x\uD800y')).toBe(false);
    expect(isStorableText('x\uDC00')).toBe(false);
    expect(storableText('a\u0000b\uD800c🙂')).toBe('a\\u0000b\uFFFDc🙂');
  });
});

describe('jsonNestsDeeperThan', () => {
  const nested = (depth: number) => '{"a":['.repeat(depth) + '1' + ']}'.repeat(depth);

  it('counts arrays and objects, and nothing inside strings', () => {
    expect(jsonNestsDeeperThan('{"a":{"b":[1,{"c":2}]}}', 4)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":{"b":[1,{"c":2}]}}', 3)).toBe(true);
    expect(jsonNestsDeeperThan(`{"s":"${'[{'.repeat(100)}","t":"\\"[[["}`, 1)).toBe(false);
  });

  it('scans a value nested a million levels without recursion', () => {
    expect(jsonNestsDeeperThan(nested(500_000), 32)).toBe(true);
    expect(jsonNestsDeeperThan(nested(16), 32)).toBe(false);
  });
});

describe('findUnstorableString', () => {
  it('names the first string or property name that holds a NUL or lone surrogate', () => {
    expect(findUnstorableString({ data: { ok: 'fine', list: ['x', 'y\u0000'] } })).toBe('data.list.1');
    expect(findUnstorableString({ data: { 'k\u0000': 1 } })).toBe('data.k\\u0000');
    expect(findUnstorableString({ a: '\uD800' })).toBe('a');
    expect(findUnstorableString({ a: ['fine', 1, null, true, { b: 'also fine 🙂' }] })).toBeNull();
  });

  it('walks a deeply nested value without recursion', () => {
    let value: unknown = 'end\u0000';
    for (let i = 0; i < 100_000; i += 1) value = [value];
    expect(findUnstorableString(value)).toBe(Array.from({ length: 100_000 }, () => '0').join('.'));
  });
});
