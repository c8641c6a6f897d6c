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

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/**
 * Signs a version for an agency. The directory learns of published versions from the referral
 * service's events, so on a fresh platform version 1 may reach it a moment after the services are
 * up: `AGREEMENT.UNKNOWN_VERSION` is retried for up to 30 seconds.
 */
async function sign(agencyId, agreementVersion, token) {
  for (let attempt = 0; ; attempt += 1) {
    const res = await call('POST', `${directory_url}/agencies/${agencyId}/signatures`, { agreementVersion }, token);
    if (res.body?.code !== 'AGREEMENT.UNKNOWN_VERSION' || attempt >= 60) return res;
    await sleep(500);
  }
}

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
    expect(`signing for ${agency.id}`, await sign(agency.id, directory.agreementVersion, token), 200);
  }
}
log(`${directory.services.length} demo services (${offered} new); every agency but ${directory.unsigned.join(', ')} signed agreement version ${directory.agreementVersion}`);

// --- clients, consent and referrals: the agreement at work, refusing something under each rule ---
const journeyUrl = `http://127.0.0.1:${process.env.CLIENT_JOURNEY_PORT ?? 3003}`;
const coordinatorOf = coordinator;

/** Fictional people only. Registering the same person again answers with the existing record. */
async function client(name, dateOfBirth, postcode) {
  const token = await caseworkerOf('northbridge-jobcentre');
  const res = await call('POST', `${journeyUrl}/clients`, { name, dateOfBirth, contact: { email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.org` }, postcode }, token);
  if (res.status === 201) return { id: res.body.id, created: true };
  if (res.status === 409 && res.body?.code === 'CLIENT.ALREADY_REGISTERED') return { id: res.body.clientId, created: false };
  throw new Error(`registering ${name}: ${res.status} ${JSON.stringify(res.body)}`);
}

/** The client's consent to be referred to each agency, or (purpose case-coordination) to its working their case. */
async function consent(clientId, agencyIds, purpose = 'referral') {
  const token = await caseworkerOf('northbridge-jobcentre');
  for (const agencyId of agencyIds) {
    for (let attempt = 0; ; attempt += 1) {
      const res = await call('POST', `${journeyUrl}/clients/${clientId}/consents`, { agencyId, purpose, evidence: 'written' }, token);
      if ([200, 201].includes(res.status)) break;
      if (res.body?.code === 'CONSENT.UNKNOWN_AGENCY' && attempt < 60) {
        await sleep(500);
        continue;
      }
      throw new Error(`consent to ${agencyId}: ${res.status} ${JSON.stringify(res.body)}`);
    }
  }
}

/** Posts an action to the referral service, waiting while its read models catch up with the directory, the client and consent. */
async function act(path, body, agencyId, expected) {
  const token = await caseworkerOf(agencyId);
  for (let attempt = 0; ; attempt += 1) {
    const res = await call('POST', `${referral}${path}`, body, token);
    const code = res.body?.code;
    if (code === expected || (expected === 'ok' && res.status < 300)) return res.body;
    if (['REFERRAL.UNKNOWN_AGENCY', 'ACCESS.CLIENT_NOT_VISIBLE', 'UA-1', 'UA-2', 'REFERRAL.UNKNOWN_SERVICE'].includes(code) && attempt < 60 && code !== expected) {
      await sleep(500);
      continue;
    }
    throw new Error(`${path} by ${agencyId}: expected ${expected}, got ${res.status} ${JSON.stringify(res.body)}`);
  }
}
const refer = (clientId, fromAgencyId, toAgencyId, domain, expected = 'ok', extra = {}) =>
  act('/referrals', { clientId, fromAgencyId, toAgencyId, domain, ...extra }, fromAgencyId, expected);

const alex = await client('Alex Demo', '2003-04-12', 'NB1 4QT');
if (!alex.created) {
  log('demo clients and referrals already loaded');
} else {
  const sam = await client('Sam Example', '1988-09-30', 'NB2 7HX');
  const robin = await client('Robin Sample', '2001-01-20', 'NB3 1AA');
  const jo = await client('Jo Placeholder', '1979-06-02', 'NB4 5RT');
  const kai = await client('Kai Fictional', '2005-11-11', 'NB1 2CD');
  await consent(alex.id, ['harbour-skills-college', 'riverside-health-trust', 'clearway-recovery', 'westgate-community-hub', 'fresh-start-trust']);
  await consent(sam.id, ['northbridge-homes', 'harbour-housing-advice', 'quayside-training-academy']);
  await consent(robin.id, ['northbridge-mind-matters', 'northbridge-jobcentre']);
  await consent(jo.id, ['fresh-start-trust', 'youth-futures-northbridge']);
  await consent(kai.id, ['harbour-skills-college']);
  // taking a client on without a referral needs their consent to that agency's working their case
  await consent(alex.id, ['northbridge-mind-matters'], 'case-coordination');
  await consent(sam.id, ['northbridge-homes'], 'case-coordination');
  await consent(robin.id, ['northbridge-mind-matters'], 'case-coordination');

  // Allowed: Alex to training and health; Riverside accepts and so holds Alex's health case (exclusive).
  await refer(alex.id, 'northbridge-jobcentre', 'harbour-skills-college', 'training');
  const health = await refer(alex.id, 'northbridge-jobcentre', 'riverside-health-trust', 'health');
  await act(`/referrals/${health.id}/accept`, {}, 'riverside-health-trust', 'ok');
  await act(`/referrals/${health.id}/start`, {}, 'riverside-health-trust', 'ok');
  // UA-1: Westgate Community Hub has not signed the agreement.
  await refer(alex.id, 'northbridge-jobcentre', 'westgate-community-hub', 'confidence-and-motivation', 'UA-1');
  // UA-2: Kai never consented to sharing with Fresh Start Trust.
  await refer(kai.id, 'northbridge-jobcentre', 'fresh-start-trust', 'confidence-and-motivation', 'UA-2');
  // UA-5: Alex already has an open training referral.
  await refer(alex.id, 'northbridge-jobcentre', 'harbour-skills-college', 'training', 'UA-5');
  // UA-4: Mind Matters cannot take on Alex's health case while Riverside holds it.
  await act(`/clients/${alex.id}/claims/health`, {}, 'northbridge-mind-matters', 'UA-4');
  // UA-9: Northbridge Homes holds Sam's housing case; the jobcentre cannot send Sam elsewhere for housing.
  await act(`/clients/${sam.id}/claims/housing`, {}, 'northbridge-homes', 'ok');
  await refer(sam.id, 'northbridge-jobcentre', 'harbour-housing-advice', 'housing', 'UA-9');
  // UA-7: the construction skills card course is full and keeps no waitlist.
  const full = await call('GET', `${directory_url}/services/search?q=construction&region=northbridge`, undefined, await caseworkerOf('northbridge-jobcentre'));
  const course = full.body.results.find((s) => s.name === 'Construction skills card course');
  await refer(sam.id, 'northbridge-jobcentre', 'quayside-training-academy', 'training', 'UA-7', { serviceId: course.id });
  // UA-6: the jobcentre sent Robin to Mind Matters, who works with Robin on their health; sending Robin straight back is a hand-back loop.
  const mind = await refer(robin.id, 'northbridge-jobcentre', 'northbridge-mind-matters', 'employment-case-management');
  await act(`/referrals/${mind.id}/reject`, { reason: 'referred-elsewhere' }, 'northbridge-mind-matters', 'ok');
  await act(`/clients/${robin.id}/claims/health`, {}, 'northbridge-mind-matters', 'ok');
  await refer(robin.id, 'northbridge-mind-matters', 'northbridge-jobcentre', 'employment-case-management', 'UA-6');
  // UA-3: two referrals offered to hand over Jo's lead; once one is accepted, the other cannot.
  const a = await refer(jo.id, 'northbridge-jobcentre', 'fresh-start-trust', 'confidence-and-motivation', 'ok', { handsOverLead: true });
  const b = await refer(jo.id, 'northbridge-jobcentre', 'youth-futures-northbridge', 'employment-case-management', 'ok', { handsOverLead: true });
  await act(`/referrals/${a.id}/accept`, {}, 'fresh-start-trust', 'ok');
  await act(`/referrals/${b.id}/accept`, {}, 'youth-futures-northbridge', 'UA-3');
  // UA-10: Alex starts training at the college; the outcome is credited once, to the lead.
  const college = await caseworkerOf('harbour-skills-college');
  const today = new Date().toISOString().slice(0, 10);
  await call('POST', `${journeyUrl}/clients/${alex.id}/milestones`, { milestone: 'training-started', occurredOn: today }, college);
  log('5 demo clients; referrals accepted, refused under UA-1 to UA-7 and UA-9, and an outcome credited (UA-10)');
}
log(`decisions taken under the agreement: GET ${referral}/decisions (coordinator token: npm run -s token -- --role coordinator)`);
void coordinatorOf;
