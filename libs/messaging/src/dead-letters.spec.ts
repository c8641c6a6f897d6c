import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEAD_LETTER_CODES, headerViews } from './dead-letters';

describe('headerViews', () => {
  it('keeps every header, repeated ones included, as text or base64', () => {
    expect(
      headerViews({
        'event-id': Buffer.from('e-1'),
        binary: Buffer.from([0x00, 0xff]),
        repeated: [Buffer.from('a'), 'b'],
        'nul\u0000name': Buffer.from('v'),
        absent: undefined,
      }),
    ).toEqual([
      { name: 'event-id', nameBase64: null, value: 'e-1', valueBase64: null },
      { name: 'binary', nameBase64: null, value: null, valueBase64: 'AP8=' },
      { name: 'repeated', nameBase64: null, value: 'a', valueBase64: null },
      { name: 'repeated', nameBase64: null, value: 'b', valueBase64: null },
      { name: null, nameBase64: Buffer.from('nul\u0000name').toString('base64'), value: 'v', valueBase64: null },
      { name: 'absent', nameBase64: null, value: null, valueBase64: null },
    ]);
    expect(headerViews(undefined)).toEqual([]);
  });
});

describe('the README', () => {
  it('lists exactly the codes a dead letter can carry', () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| code | the message was dead-lettered because |'));
    const lines = table.split('\n').slice(2);
    const rows = lines.slice(0, lines.findIndex((line) => !line.trimStart().startsWith('|')));
    const codes = rows.map((row) => /^\s*\| `([^`]+)`/.exec(row)?.[1]);
    expect(codes).toEqual(Object.keys(DEAD_LETTER_CODES));
  });
});
