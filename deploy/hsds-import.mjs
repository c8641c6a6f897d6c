// Loads a directory published in HSDS 3 JSON into the running agency directory, as a coordinator
// signed with the local development key, and prints the import report:
//   npm run hsds:import -- directory.json --region northbridge [--stakeholder-type ngo] [--domain training]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { mintToken } from './local-auth.mjs';

const usage = 'usage: npm run hsds:import -- <file.json> --region <region> [--stakeholder-type <type>] [--domain <domain>]';
let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { region: { type: 'string' }, 'stakeholder-type': { type: 'string' }, domain: { type: 'string' } } });
} catch (error) {
  console.error(`${error.message}\n${usage}`);
  process.exit(2);
}
const [file] = parsed.positionals;
if (!file || !parsed.values.region) {
  console.error(usage);
  process.exit(2);
}
let body;
try {
  body = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`cannot read ${file} as JSON: ${error.message}`);
  process.exit(2);
}
const query = new URLSearchParams({ region: parsed.values.region });
if (parsed.values['stakeholder-type']) query.set('stakeholderType', parsed.values['stakeholder-type']);
if (parsed.values.domain) query.set('domain', parsed.values.domain);
const token = await mintToken({ sub: 'hsds-import', roles: ['coordinator'] });
const res = await fetch(`http://127.0.0.1:${process.env.AGENCY_DIRECTORY_PORT ?? 3002}/hsds/import?${query}`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  body: JSON.stringify(body),
});
const report = await res.json();
console.log(JSON.stringify(report, null, 2));
process.exit(res.ok ? 0 : 1);
