// What every benchmark needs first, through the services' public APIs like any user: agencies
// registered and signed to the agreement, clients registered with their consent.
import { mintToken } from '../../deploy/local-auth.mjs';
import { pool, request, whenReady } from './http.mjs';

const tokens = new Map();
export async function tokenOf(roles, agencyId) {
  const key = `${roles}@${agencyId ?? ''}`;
  if (!tokens.has(key)) tokens.set(key, await mintToken({ sub: `bench.${roles}${agencyId ? `@${agencyId}` : ''}`, agencyId, roles: [roles], ttlSeconds: 6 * 3600 }));
  return tokens.get(key);
}

const must = (what, res, ...ok) => {
  if (!ok.includes(res.status)) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
};

/** Registers and signs each agency (id, stakeholderType, region). */
export async function enrolAgencies(platform, agencies) {
  const coordinator = await tokenOf('coordinator');
  await pool(agencies.length, 8, async (i) => {
    const a = agencies[i];
    must(`registering ${a.id}`, await request('POST', platform.url('agency-directory', '/agencies'), { token: coordinator, body: { id: a.id, name: `Bench agency ${a.id}`, stakeholderType: a.stakeholderType, region: a.region } }), 201, 409);
    // the services it offers (a walk-in claim is taken only in a domain the agency serves), before the signature
    for (const { domain, need } of a.services ?? []) {
      const offered = await request('POST', platform.url('agency-directory', `/agencies/${a.id}/services`), {
        token: coordinator,
        body: { name: `${domain} at ${a.id}`, domain, needs: [need], targetGroups: ['everyone'], serviceAreas: [a.region], capacity: { available: 50, maximum: 50 } },
      });
      must(`offering ${domain} at ${a.id}`, offered, 201, 409);
    }
    // the directory learns of version 1 from the referral service's event, a moment after start-up
    let signed;
    for (let attempt = 0; attempt < 60; attempt += 1) {
      signed = await request('POST', platform.url('agency-directory', `/agencies/${a.id}/signatures`), { token: coordinator, body: { agreementVersion: '1' } });
      if (signed.body?.code !== 'AGREEMENT.UNKNOWN_VERSION') break;
      await new Promise((ok) => setTimeout(ok, 500));
    }
    must(`signing for ${a.id}`, signed, 200);
  });
}

let person = 0;
/**
 * Registers `count` fictional clients at the given agencies (client i at agencies[i % n]) and
 * records each one's consents (`consent(i)`: one scope or a list, each for referral unless it names
 * another purpose); returns their pseudonymous ids.
 */
export async function registerClients(platform, { count, at, consent, concurrency = 24, tag }) {
  return pool(count, concurrency, async (i) => {
    const n = ++person;
    const agencyId = at[i % at.length];
    const token = await tokenOf('caseworker', agencyId);
    const registered = must(
      'registering a client',
      await whenReady(
        () =>
          request('POST', platform.url('client-journey', '/clients'), {
            token,
            body: { name: `Bench Person ${tag} ${n}`, dateOfBirth: `${1970 + (n % 35)}-0${(n % 9) + 1}-1${n % 10}`, contact: { email: `bench.${tag}.${n}@example.org` }, postcode: 'NB1 4QT' },
          }),
        ['CLIENT.UNKNOWN_AGENCY'],
      ),
      201,
    );
    const clientId = registered.body.id;
    for (const scope of [consent(i)].flat()) {
      must(
        'recording consent',
        await whenReady(
          () => request('POST', platform.url('client-journey', `/clients/${clientId}/consents`), { token, body: { purpose: 'referral', ...scope, evidence: 'written' } }),
          ['CONSENT.UNKNOWN_AGENCY'],
        ),
        200,
        201,
      );
    }
    return clientId;
  });
}

/** Waits until the referral service's read model holds the consents (`perClient` each) of every client given. */
export async function waitForConsents(referralDb, clientIds, timeoutMs = 180_000, perClient = 1) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await referralDb.query(
      'SELECT count(*)::int AS n FROM (SELECT client_id FROM client_consent WHERE client_id = ANY($1) AND active GROUP BY client_id HAVING count(*) >= $2) known',
      [clientIds, perClient],
    );
    if (rows[0].n >= clientIds.length) return;
    if (Date.now() > deadline) throw new Error(`the referral service knows the consent of ${rows[0].n} of ${clientIds.length} clients after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
