import { randomUUID } from 'node:crypto';
import type { DomainOfSupport } from '@umbrella/contracts';
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
  /** Domains of support the agency offers a service in (one active service each, with places). */
  readonly services?: readonly DomainOfSupport[];
}

/** A need of the taxonomy that each domain's test service addresses. */
const NEED_OF_DOMAIN: Record<DomainOfSupport, string> = {
  'employment-case-management': 'job-search',
  training: 'skills-and-training',
  health: 'health',
  housing: 'housing',
  addiction: 'addiction-recovery',
  'confidence-and-motivation': 'confidence-and-motivation',
  'employer-placement': 'work-experience',
};

export async function enrolAgencies(platform: TestPlatform, agencies: readonly AgencySpec[], agreementVersion = '1'): Promise<void> {
  const coordinator = await tokenFor('coordinator');
  for (const a of agencies) {
    const created = await http('POST', platform.url('agency-directory', '/agencies'), {
      token: coordinator,
      body: { id: a.id, name: `Agency ${a.id}`, stakeholderType: a.stakeholderType ?? 'ngo', region: a.region },
    });
    if (![201, 409].includes(created.status)) throw new Error(`registering ${a.id}: ${created.status} ${JSON.stringify(created.body)}`);
    // services before the signature: both are keyed by the agency, so whoever knows the signature knows the services
    for (const domain of a.services ?? []) {
      const offered = await http('POST', platform.url('agency-directory', `/agencies/${a.id}/services`), {
        token: coordinator,
        body: { name: `${domain} at ${a.id}`, domain, needs: [NEED_OF_DOMAIN[domain]], targetGroups: ['everyone'], serviceAreas: [a.region], capacity: { available: 50, maximum: 50 } },
      });
      if (offered.status !== 201) throw new Error(`offering ${domain} at ${a.id}: ${offered.status} ${JSON.stringify(offered.body)}`);
    }
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

/** The personal data a caseworker records for a client (kept by client-journey only). */
export interface PersonalData {
  readonly name: string;
  readonly dateOfBirth: string;
  readonly contact: { readonly email: string; readonly phone?: string };
  readonly postcode: string;
}

/** Registers a fictional person at the caseworker's agency and returns the pseudonymous client id. */
export async function registerClient(platform: TestPlatform, caseworkerToken: string, age = 22): Promise<string> {
  return (await registerPerson(platform, caseworkerToken, { age, phone: false })).clientId;
}

/**
 * Registers a fictional person at the caseworker's agency (which becomes the lead) and returns the
 * pseudonymous id with the personal data recorded, for specs that look for it in answers.
 */
export async function registerPerson(platform: TestPlatform, caseworkerToken: string, options: { age?: number; phone?: boolean; postcode?: string } = {}): Promise<{ clientId: string; personalData: PersonalData }> {
  person += 1;
  const year = new Date().getUTCFullYear() - (options.age ?? 22);
  const tag = randomUUID().slice(0, 8);
  const digits = String(Number.parseInt(tag.slice(0, 6), 16) % 100000).padStart(5, '0');
  const personalData: PersonalData = {
    name: `Test Person${person} ${tag}`,
    dateOfBirth: `${year}-03-0${(person % 9) + 1}`,
    contact: { email: `p${person}.${tag}@example.org`, ...(options.phone === false ? {} : { phone: `+44 7700 9${digits}` }) },
    postcode: options.postcode ?? 'NB1 4QT',
  };
  const res = await waitFor(
    async () => {
      const r = await http('POST', platform.url('client-journey', '/clients'), { token: caseworkerToken, body: personalData });
      return r.body?.code === 'CLIENT.UNKNOWN_AGENCY' ? undefined : r;
    },
    { what: 'client-journey to know the agency', timeoutMs: 30000, intervalMs: 200 },
  );
  if (res.status !== 201) throw new Error(`registering a client: ${res.status} ${JSON.stringify(res.body)}`);
  return { clientId: res.body.id as string, personalData };
}

/** What a consent names: one agency or one domain of support, for one purpose. */
export interface ConsentScope {
  readonly agencyId?: string;
  readonly domain?: DomainOfSupport;
  readonly purpose: 'referral' | 'case-coordination' | 'outcome-tracking';
}

/** Records one consent of the client (as a caseworker of an agency that may) and returns its id. */
export async function giveConsent(platform: TestPlatform, caseworkerToken: string, clientId: string, scope: ConsentScope): Promise<string> {
  const res = await waitFor(
    async () => {
      const r = await http('POST', platform.url('client-journey', `/clients/${clientId}/consents`), { token: caseworkerToken, body: { ...scope, evidence: 'written' } });
      return r.body?.code === 'CONSENT.UNKNOWN_AGENCY' ? undefined : r;
    },
    { what: 'client-journey to know the agency', timeoutMs: 30000, intervalMs: 200 },
  );
  if (res.status !== 201 && res.status !== 200) throw new Error(`consent ${JSON.stringify(scope)}: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body.id ?? res.body.consentId) as string;
}

/**
 * Waits until the referral service knows each agency and its signature (and, as they come first
 * on the agency's partition, its services): the lead refers a client of its own to each agency in
 * turn, and cancels the referral at once.
 */
export async function knownToReferral(platform: TestPlatform, leadAgencyId: string, agencyIds: readonly string[]): Promise<void> {
  const lead = await tokenFor('caseworker', leadAgencyId, `sync@${leadAgencyId}`);
  const clientId = await registerClient(platform, lead);
  await consentTo(platform, lead, clientId, agencyIds);
  for (const agencyId of agencyIds) {
    const referred = await referWhenReady(platform, lead, { clientId, fromAgencyId: leadAgencyId, toAgencyId: agencyId, domain: 'employer-placement' });
    if (referred.status !== 201) throw new Error(`referring to ${agencyId}: ${referred.status} ${JSON.stringify(referred.body)}`);
    const cancelled = await http('POST', platform.url('referral', `/referrals/${referred.body.id}/cancel`), { token: lead, body: { reason: 'referred-elsewhere' } });
    if (cancelled.status !== 200) throw new Error(`cancelling the referral to ${agencyId}: ${cancelled.status} ${JSON.stringify(cancelled.body)}`);
  }
}

/** Records the client's consent to share with each agency, for referrals unless another purpose is named. */
export async function consentTo(
  platform: TestPlatform,
  caseworkerToken: string,
  clientId: string,
  agencyIds: readonly string[],
  purpose: 'referral' | 'case-coordination' | 'outcome-tracking' = 'referral',
): Promise<string[]> {
  const ids: string[] = [];
  for (const agencyId of agencyIds) {
    const res = await waitFor(
      async () => {
        const r = await http('POST', platform.url('client-journey', `/clients/${clientId}/consents`), {
          token: caseworkerToken,
          body: { agencyId, purpose, evidence: 'written' },
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
 * directory, the client's registration and consent (they arrive as events): unknown agency, a
 * client it does not know yet (not visible), unsigned (UA-1) or not consented (UA-2) are retried
 * for a while; any other answer is returned.
 */
export async function referWhenReady(platform: TestPlatform, token: string, body: Record<string, unknown>, url = platform.url('referral', '/referrals')): Promise<HttpResult> {
  let last: HttpResult | undefined;
  try {
    return await waitFor(
      async () => {
        last = await http('POST', url, { token, body });
        return ['REFERRAL.UNKNOWN_AGENCY', 'ACCESS.CLIENT_NOT_VISIBLE', 'UA-1', 'UA-2'].includes(last.body?.code) ? undefined : last;
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
