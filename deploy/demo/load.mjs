// Loads the demo data through the services' public APIs, so it is validated like any input.
// Idempotent: agencies already registered and referrals already made are left as they are.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mintToken } from '../local-auth.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const directory_url = `http://127.0.0.1:${process.env.AGENCY_DIRECTORY_PORT ?? 3002}`;
const referral = `http://127.0.0.1:${process.env.REFERRAL_PORT ?? 3001}`;
const log = (m) => console.error(`[demo] ${m}`);

// Demo users act through signed tokens like anyone else: a coordinator registers the agencies,
// each referral is made by a caseworker of the referring agency.
const coordinator = await mintToken({ sub: 'demo.coordinator', roles: ['coordinator'] });
const caseworkers = new Map();
async function caseworkerOf(agencyId) {
  if (!caseworkers.has(agencyId)) caseworkers.set(agencyId, await mintToken({ sub: `demo.caseworker@${agencyId}`, agencyId, roles: ['caseworker'] }));
  return caseworkers.get(agencyId);
}

async function call(method, url, body, token) {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const directory = JSON.parse(readFileSync(join(here, 'directory.json'), 'utf8'));
const admins = new Map();
async function adminOf(agencyId) {
  if (!admins.has(agencyId)) admins.set(agencyId, await mintToken({ sub: `demo.admin@${agencyId}`, agencyId, roles: ['agency-admin'] }));
  return admins.get(agencyId);
}
const expect = (what, res, ...ok) => {
  if (!ok.includes(res.status)) throw new Error(`${what} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
};

let created = 0;
for (const { id, ...profile } of directory.agencies) {
  const res = expect(`registering ${id}`, await call('POST', `${directory_url}/agencies`, { id, ...profile }, coordinator), 201, 409);
  if (res.status === 201) created += 1;
}
log(`${directory.agencies.length} demo agencies in the directory (${created} new)`);

let offered = 0;
for (const agency of directory.agencies) {
  const token = await adminOf(agency.id);
  const profile = expect(`profile of ${agency.id}`, await call('GET', `${directory_url}/agencies/${agency.id}/profile`, undefined, token), 200).body;
  const existing = new Set(profile.services.map((s) => s.name));
  for (const { agencyId, ...service } of directory.services.filter((s) => s.agencyId === agency.id)) {
    if (existing.has(service.name)) continue;
    expect(`offering ${service.name}`, await call('POST', `${directory_url}/agencies/${agencyId}/services`, service, token), 201);
    offered += 1;
  }
  if (!directory.unsigned.includes(agency.id)) {
    expect(`signing for ${agency.id}`, await call('POST', `${directory_url}/agencies/${agency.id}/signatures`, { agreementVersion: directory.agreementVersion }, token), 200);
  }
}
log(`${directory.services.length} demo services (${offered} new); every agency but ${directory.unsigned.join(', ')} signed agreement version ${directory.agreementVersion}`);

const referrals = [
  { clientId: 'demo-client-0001', fromAgencyId: 'northbridge-jobcentre', toAgencyId: 'harbour-skills-college', domain: 'training' },
  { clientId: 'demo-client-0001', fromAgencyId: 'northbridge-jobcentre', toAgencyId: 'fresh-start-trust', domain: 'confidence-and-motivation' },
  { clientId: 'demo-client-0002', fromAgencyId: 'northbridge-council', toAgencyId: 'northbridge-homes', domain: 'housing' },
  { clientId: 'demo-client-0003', fromAgencyId: 'northbridge-jobcentre', toAgencyId: 'riverside-health-trust', domain: 'health' },
];
let made = 0;
for (const r of referrals) {
  const token = await caseworkerOf(r.fromAgencyId);
  const existing = await call('GET', `${referral}/referrals?clientId=${r.clientId}`, undefined, token);
  if (existing.status === 200 && existing.body.some((x) => x.toAgencyId === r.toAgencyId && x.domain === r.domain)) continue;
  // The referral service learns agencies from the directory's events: wait for its read model to catch up.
  for (let attempt = 0; ; attempt += 1) {
    const { status, body } = await call('POST', `${referral}/referrals`, r, token);
    if (status === 201) break;
    if (status === 422 && body?.code === 'REFERRAL.UNKNOWN_AGENCY' && attempt < 60) {
      await new Promise((ok) => setTimeout(ok, 500));
      continue;
    }
    throw new Error(`referral for ${r.clientId} failed: ${status} ${JSON.stringify(body)}`);
  }
  made += 1;
}
log(`${referrals.length} demo referrals (${made} new)`);
