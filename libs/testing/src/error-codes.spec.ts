import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { HttpStatus } from '@nestjs/common';
import { PLATFORM_ERRORS } from '@umbrella/platform';
import { parseErrorTable } from './error-table';
import { REPO_ROOT } from './infrastructure';

/**
 * README.md's error table is the contract clients code against: every code the services can
 * answer with is in it, with its status, and nothing in it is a code no service answers with.
 * The codes are found where they are written: the platform's registry, and the code literals of
 * the libraries' sources (CodedHttpException constructions, `code:` fields, dotted codes such as
 * `REFERRAL.NOT_FOUND` that decisions and access policies return, and the agreement's `UA-n`).
 */

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(path).isDirectory()) sources(path, out);
    else if (/\.ts$/.test(name) && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

interface Found {
  readonly code: string;
  readonly where: string;
  readonly status?: number;
}

/** Code literals in one source file. */
function codesIn(text: string, where: string): Found[] {
  const found: Found[] = [];
  for (const m of text.matchAll(/new CodedHttpException\(\s*(HttpStatus\.([A-Z_]+)|\d{3})\s*,\s*'([^']+)'/g)) {
    const status = m[2] ? HttpStatus[m[2] as keyof typeof HttpStatus] : Number(m[1]);
    found.push({ code: m[3], where, status });
  }
  for (const m of text.matchAll(/\bcode:\s*'([A-Z][A-Z0-9_.-]*)'/g)) found.push({ code: m[1], where });
  for (const m of text.matchAll(/'((?:[A-Z][A-Z0-9_]*\.)+[A-Z][A-Z0-9_]*|UA-\d+)'/g)) found.push({ code: m[1], where });
  return found;
}

// The libraries hold every service's code; the testing library only reads codes back.
const LIBS = join(REPO_ROOT, 'libs');
const found = readdirSync(LIBS)
  .filter((lib) => lib !== 'testing')
  .flatMap((lib) => sources(join(LIBS, lib, 'src')).flatMap((file) => codesIn(readFileSync(file, 'utf8'), relative(REPO_ROOT, file))));
const documented = parseErrorTable(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'));
// Dead-letter codes are not answers to requests: they have their own table (Delivery guarantees)
// and their own test beside DEAD_LETTER_CODES in the messaging library.
const deadLetterRegistry = readFileSync(join(LIBS, 'messaging', 'src', 'dead-letters.ts'), 'utf8');
const deadLetterCodes = new Set([...(deadLetterRegistry.match(/DEAD_LETTER_CODES = \{([^}]*)\}/)?.[1] ?? '').matchAll(/'([A-Z][A-Z0-9_.]*)':/g)].map((m) => m[1]));

describe("README's error table", () => {
  it('lists every code the platform answers with, with its status', () => {
    const wrong = Object.entries(PLATFORM_ERRORS).filter(([code, status]) => documented.get(code) !== status);
    expect(wrong).toEqual([]);
  });

  it('lists every code written in the sources', () => {
    expect(deadLetterCodes.has('HANDLER.FAILED')).toBe(true);
    const missing = found.filter((f) => !documented.has(f.code) && !deadLetterCodes.has(f.code)).map((f) => `${f.code} (${f.where})`);
    expect([...new Set(missing)]).toEqual([]);
  });

  it('gives each code the status the sources answer it with', () => {
    const wrong = found.filter((f) => f.status !== undefined && documented.has(f.code) && documented.get(f.code) !== f.status).map((f) => `${f.code}: ${f.status} in ${f.where}, ${documented.get(f.code)} in README.md`);
    expect(wrong).toEqual([]);
  });

  it('lists no code that nothing answers with', () => {
    const emitted = new Set([...found.map((f) => f.code), ...Object.keys(PLATFORM_ERRORS)]);
    expect([...documented.keys()].filter((code) => !emitted.has(code))).toEqual([]);
  });

  it("agrees with the services' own tables", () => {
    const disagreements: string[] = [];
    for (const service of readdirSync(join(REPO_ROOT, 'services'))) {
      let readme: string;
      try {
        readme = readFileSync(join(REPO_ROOT, 'services', service, 'README.md'), 'utf8');
      } catch {
        continue;
      }
      for (const line of readme.split('\n')) {
        const m = /^\|\s*`([A-Z][A-Z0-9_.-]+)`\s*\|\s*(\d{3})\s*\|/.exec(line);
        if (m && documented.get(m[1]) !== Number(m[2])) disagreements.push(`services/${service}/README.md: ${m[1]} ${m[2]}`);
      }
    }
    expect(disagreements).toEqual([]);
  });
});

describe('finding codes in a source', () => {
  it('reads coded exceptions with their status, code fields, dotted codes and rule ids', () => {
    const text = `throw new CodedHttpException(HttpStatus.NOT_FOUND, 'SERVICE.NOT_FOUND', 'No such service.');
      throw new CodedHttpException(404, 'AGENCY.NOT_FOUND', 'x');
      res.json({ statusCode: 400, code: 'MALFORMED_JSON' });
      return refuse('ACCESS.DENIED'); const rule = 'UA-4'; const topic = 'umbrella.referrals.v1';`;
    expect(codesIn(text, 'f.ts')).toEqual(
      expect.arrayContaining([
        { code: 'SERVICE.NOT_FOUND', where: 'f.ts', status: 404 },
        { code: 'AGENCY.NOT_FOUND', where: 'f.ts', status: 404 },
        { code: 'MALFORMED_JSON', where: 'f.ts' },
        { code: 'ACCESS.DENIED', where: 'f.ts' },
        { code: 'UA-4', where: 'f.ts' },
      ]),
    );
    expect(codesIn(text, 'f.ts').map((f) => f.code)).not.toContain('umbrella.referrals.v1');
  });

  it('reads the table: several codes in a row, and the range of rules', () => {
    const table = parseErrorTable('## Error codes\n\n| code | status | meaning |\n| --- | --- | --- |\n| `A.B`, `C` | 404 | x |\n| `UA-1` … `UA-3` | 409 | y |\n\n## Next\n');
    expect([...table]).toEqual([
      ['A.B', 404],
      ['C', 404],
      ['UA-1', 409],
      ['UA-2', 409],
      ['UA-3', 409],
    ]);
  });
});
