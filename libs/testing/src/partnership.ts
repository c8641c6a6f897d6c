import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { TestPlatform, http, HttpResult } from './platform';
import { tokenFor } from './identity';
import { waitFor } from './wait';

/**
 * Sets up what every referral needs before the agreement allows it: agencies registered and
 * signed to the active version (UA-1), a registered client, and the client's consent (UA-2).
 * Everything goes through the services' public APIs.
 */
export interface AgencySpec {
  readonly id: string;
  readonly stakeholderType?: string;
  readonly region: string;
  readonly signed?: boolean;
}

export async function enrolAgencies(platform: TestPlatform, agencies: readonly AgencySpec[], agreementVersion = '1'): Promise<void> {
  const coordinator = await tokenFor('coordinator');
  for (const a of agencies) {
    const created = await http('POST', platform.url('agency-directory', '/agencies'), {
      token: coordinator,
      body: { id: a.id, name: `Agency ${a.id}`, stakeholderType: a.stakeholderType ?? 'ngo', region: a.region },
    });
    if (![201, 409].includes(created.status)) throw new Error(`registering ${a.id}: ${created.status} ${JSON.stringify(created.body)}`);
    if (a.signed === false) continue;
    const signed = await signWhenPublished(platform, coordinator, a.id, agreementVersion);
    if (signed.status !== 200) throw new Error(`signing for ${a.id}: ${signed.status} ${JSON.stringify(signed.body)}`);
  }
}

/**
 * Signs a version of the agreement for an agency, waiting while the directory has not yet heard
 * of the version's publication (it arrives as an event from the referral service): that refusal,
 * `AGREEMENT.UNKNOWN_VERSION`, is retried for a while; any other answer is returned.
 */
export async function signWhenPublished(platform: TestPlatform, token: string, agencyId: string, agreementVersion: string, timeoutMs = 30000): Promise<HttpResult> {
  let last: HttpResult | undefined;
  try {
    return await waitFor(
      async () => {
        last = await http('POST', platform.url('agency-directory', `/agencies/${agencyId}/signatures`), { token, body: { agreementVersion } });
        return last.body?.code === 'AGREEMENT.UNKNOWN_VERSION' ? undefined : last;
      },
      { what: `the directory to know agreement version ${agreementVersion}`, timeoutMs, intervalMs: 200 },
    );
  } catch (error) {
    if (last) return last;
    throw error;
  }
}

let person = 0;

/** Registers a fictional person at the caseworker's agency and returns the pseudonymous client id. */
export async function registerClient(platform: TestPlatform, caseworkerToken: string, age = 22): Promise<string> {
  person += 1;
  const year = new Date().getUTCFullYear() - age;
  const tag = randomUUID().slice(0, 8);
  const res = await waitFor(
    async () => {
      const r = await http('POST', platform.url('client-journey', '/clients'), {
        token: caseworkerToken,
        body: { name: `Test Person${person} ${tag}`, dateOfBirth: `${year}-03-0${(person % 9) + 1}`, contact: { email: `p${person}.${tag}@example.org` }, postcode: 'NB1 4QT' },
      });
      return r.body?.code === 'CLIENT.UNKNOWN_AGENCY' ? undefined : r;
    },
    { what: 'client-journey to know the agency', timeoutMs: 30000, intervalMs: 200 },
  );
  if (res.status !== 201) throw new Error(`registering a client: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** Records the client's consent to share with each agency, for referrals. */
export async function consentTo(platform: TestPlatform, caseworkerToken: string, clientId: string, agencyIds: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const agencyId of agencyIds) {
    const res = await waitFor(
      async () => {
        const r = await http('POST', platform.url('client-journey', `/clients/${clientId}/consents`), {
          token: caseworkerToken,
          body: { agencyId, purpose: 'referral', evidence: 'written' },
        });
        return r.body?.code === 'CONSENT.UNKNOWN_AGENCY' ? undefined : r;
      },
      { what: 'client-journey to know the agency', timeoutMs: 30000, intervalMs: 200 },
    );
    if (res.status !== 201 && res.status !== 200) throw new Error(`consent to ${agencyId}: ${res.status} ${JSON.stringify(res.body)}`);
    ids.push(res.body.id ?? res.body.consentId);
  }
  return ids;
}

/**
 * Requests a referral, waiting while the referral service's read models catch up with the
 * directory and the client's consent (they arrive as events): unknown agency, unsigned (UA-1) or
 * not consented (UA-2) are retried for a while; any other answer is returned.
 */
export async function referWhenReady(platform: TestPlatform, token: string, body: Record<string, unknown>, url = platform.url('referral', '/referrals')): Promise<HttpResult> {
  let last: HttpResult | undefined;
  try {
    return await waitFor(
      async () => {
        last = await http('POST', url, { token, body });
        return ['REFERRAL.UNKNOWN_AGENCY', 'UA-1', 'UA-2'].includes(last.body?.code) ? undefined : last;
      },
      { what: 'the referral service to know the agencies, signatures and consent', timeoutMs: 30000, intervalMs: 200 },
    );
  } catch (error) {
    if (last) return last;
    throw error;
  }
}

/** The principal of a user with these roles at this agency, for access-policy specs. */
export function principalOf(roles: readonly string[], agencyId: string | null = 'a'): { userId: string; agencyId: string | null; roles: never[] } {
  return { userId: 'u', agencyId, roles: roles as never[] };
}

/** The stable error code a refusal carries, or undefined when `fn` does not throw. */
export function refusalCode(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as { getResponse(): { code: string } }).getResponse().code;
  }
}

/**
 * The reporting projection's rows for a referral or a client's referrals. Reports publish no
 * figure resting on fewer than five clients, so a test that follows one client's referral into
 * reporting reads the projection itself.
 */
export async function projectedReferrals(platform: TestPlatform, where: { referralId: string } | { clientId: string }): Promise<{ referralId: string; toAgencyId: string; status: string }[]> {
  const db = new Client({ connectionString: platform.databases.reporting });
  await db.connect();
  try {
    const { rows } = await db.query(
      'SELECT referral_id, to_agency_id, status FROM referral_fact WHERE ($1::uuid IS NULL OR referral_id = $1) AND ($2::text IS NULL OR client_id = $2) ORDER BY requested_at',
      ['referralId' in where ? where.referralId : null, 'clientId' in where ? where.clientId : null],
    );
    return rows.map((r) => ({ referralId: r.referral_id, toAgencyId: r.to_agency_id, status: r.status }));
  } finally {
    await db.end();
  }
}
