// Writes the Markdown summary of a results file again (e.g. after bench/history.json changed):
//   node bench/tools/render.mjs bench/results/<date>.json
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdown } from '../lib/report.mjs';

const file = process.argv[2];
if (!file || !file.endsWith('.json')) {
  console.error('usage: node bench/tools/render.mjs bench/results/<date>.json');
  process.exit(2);
}
const results = JSON.parse(readFileSync(file, 'utf8'));
results.history = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'history.json'), 'utf8'));
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(file.replace(/\.json$/, '.md'), markdown(results));
console.log(`wrote ${file.replace(/\.json$/, '.md')}`);
