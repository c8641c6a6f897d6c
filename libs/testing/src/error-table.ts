import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './infrastructure';

/**
 * The error codes README.md documents, with their status: the rows of the table under
 * "## Error codes" (`| \`CODE\` | 404 | meaning |`). A row may name several codes, and
 * `UA-1` … `UA-10` stands for the ten rules.
 */
export function parseErrorTable(readme: string): Map<string, number> {
  const section = /^## Error codes\s*$([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  if (!section) throw new Error('README.md has no "## Error codes" section');
  const codes = new Map<string, number>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 4 || !/^\d{3}$/.test(cells[2])) continue;
    const status = Number(cells[2]);
    const named = [...cells[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    const range = /^`UA-(\d+)`\s*…\s*`UA-(\d+)`$/.exec(cells[1]);
    if (range) for (let i = Number(range[1]); i <= Number(range[2]); i++) codes.set(`UA-${i}`, status);
    else for (const code of named) codes.set(code, status);
  }
  return codes;
}

export function documentedErrorCodes(): Map<string, number> {
  return parseErrorTable(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'));
}
