// Mints a bearer token for local use, signed by the local development key:
//   npm run token -- --agency northbridge-jobcentre --role caseworker [--sub jane.caseworker] [--ttl 8h]
import { parseArgs } from 'node:util';
import { mintToken, ROLES } from './local-auth.mjs';

const usage = 'usage: npm run token -- --role <caseworker|agency-admin|coordinator|analyst|operator>[,<role>...] [--agency <agency-id>] [--sub <user>] [--ttl 8h|30m|3600]';
let values;
try {
  ({ values } = parseArgs({
    options: { agency: { type: 'string' }, role: { type: 'string' }, sub: { type: 'string' }, ttl: { type: 'string', default: '8h' }, help: { type: 'boolean' } },
  }));
} catch (error) {
  console.error(`${error.message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const roles = (values.role ?? '').split(',').filter(Boolean);
const problems = [];
if (roles.length === 0) problems.push('--role is required');
for (const r of roles) if (!ROLES.includes(r)) problems.push(`--role ${r} is not one of ${ROLES.join(', ')}`);
if (values.agency !== undefined && !/^[a-z0-9][a-z0-9-]{1,99}$/.test(values.agency)) problems.push('--agency must be an agency id (lowercase letters, digits, dashes)');
if (roles.some((r) => ['caseworker', 'agency-admin'].includes(r)) && !values.agency) problems.push('--agency is required for caseworker and agency-admin');
const ttl = /^(\d+)([smhd]?)$/.exec(values.ttl);
if (!ttl) problems.push('--ttl must look like 3600, 30m, 8h or 1d');
if (problems.length > 0) {
  console.error(`${problems.join('\n')}\n${usage}`);
  process.exit(2);
}
const ttlSeconds = Number(ttl[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[ttl[2]];
const sub = values.sub ?? `${roles[0]}@${values.agency ?? 'partnership'}`;
console.log(await mintToken({ sub, agencyId: values.agency, roles, ttlSeconds }));
