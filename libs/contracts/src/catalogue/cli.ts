import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkCatalogue, generateCatalogue, schemaLock } from './asyncapi';

/*
 * `write` regenerates the committed catalogue and adds new versions to the schema lock (it never
 * rewrites a published version's hash); `check` fails when either is stale or a published
 * version changed shape. Run from the built library: node libs/contracts/dist/catalogue/cli.js.
 */
const root = join(__dirname, '..', '..');
const CATALOGUE = join(root, 'asyncapi.json');
const LOCK = join(root, 'schema-lock.json');
const read = (file: string, fallback: unknown) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return fallback;
  }
};

const mode = process.argv[2];
if (mode === 'write') {
  const doc = generateCatalogue();
  const lock = { ...schemaLock(doc), ...(read(LOCK, {}) as Record<string, string>) };
  writeFileSync(CATALOGUE, JSON.stringify(doc, null, 2) + '\n');
  writeFileSync(LOCK, JSON.stringify(Object.fromEntries(Object.entries(lock).sort(([a], [b]) => a.localeCompare(b))), null, 2) + '\n');
  const changed = checkCatalogue({ catalogue: read(CATALOGUE, null), lock: read(LOCK, {}) });
  for (const p of changed) console.error(p);
  process.exit(changed.length > 0 ? 1 : 0);
} else if (mode === 'check') {
  const problems = checkCatalogue({ catalogue: read(CATALOGUE, null), lock: read(LOCK, {}) });
  for (const p of problems) console.error(`event catalogue: ${p}`);
  if (problems.length === 0) console.log('event catalogue: up to date, no published version changed shape');
  process.exit(problems.length > 0 ? 1 : 0);
} else {
  console.error('usage: cli.js write|check');
  process.exit(2);
}
