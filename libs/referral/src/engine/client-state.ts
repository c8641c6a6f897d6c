import { Agreement, ClientState, DirectoryView, ReferralFacts, ServiceFacts } from '@umbrella/agreement';
import { DomainOfSupport } from '@umbrella/contracts';
import { EntityManager } from 'typeorm';

/**
 * Loads what the agreement engine needs to decide for one client, from the referral service's
 * own tables and read models. Called inside the transaction that holds the client's lock.
 */
export async function loadClientState(tx: EntityManager, clientId: string, agreement: Agreement, now: Date): Promise<ClientState> {
  const windowStart = new Date(now.getTime() - agreement.rules.handBackWindowDays * 24 * 3600 * 1000);
  const [lead] = await tx.query('SELECT agency_id FROM client_lead WHERE client_id = $1', [clientId]);
  const claims = await tx.query('SELECT agency_id, domain, referral_id FROM claim WHERE client_id = $1 AND released_at IS NULL', [clientId]);
  const referrals = await tx.query(
    `SELECT * FROM referral WHERE client_id = $1
       AND (status IN ('requested', 'accepted', 'in-progress', 'on-hold') OR requested_at >= $2)`,
    [clientId, windowStart],
  );
  const consents = await tx.query('SELECT agency_id, domain FROM client_consent WHERE client_id = $1 AND active', [clientId]);
  const credited = await tx.query('SELECT outcome, milestone_id FROM credited_outcome WHERE client_id = $1', [clientId]);
  return {
    clientId,
    leadAgencyId: lead?.agency_id ?? null,
    claims: claims.map((c: Record<string, string | null>) => ({ agencyId: c.agency_id as string, domain: c.domain as DomainOfSupport, referralId: c.referral_id })),
    referrals: referrals.map(toFacts),
    consents: consents.map((c: Record<string, string | null>) => ({ agencyIds: c.agency_id ? [c.agency_id] : [], domains: c.domain ? [c.domain] : [] })),
    creditedOutcomes: credited.map((c: Record<string, string>) => `${c.outcome}:${c.milestone_id}`),
  };
}

export function toFacts(r: Record<string, unknown>): ReferralFacts {
  return {
    id: r.id as string,
    clientId: r.client_id as string,
    fromAgencyId: r.from_agency_id as string,
    toAgencyId: r.to_agency_id as string,
    domain: r.domain as DomainOfSupport,
    status: r.status as ReferralFacts['status'],
    requestedAt: r.requested_at as Date,
    respondBy: r.respond_by as Date,
    handsOverLead: r.hands_over_lead as boolean,
  };
}

/** The directory as this service knows it, for the agencies a decision involves. */
export async function loadDirectory(tx: EntityManager, agencyIds: readonly string[]): Promise<DirectoryView & { known(agencyId: string): boolean }> {
  const agencies: { agency_id: string; name: string }[] = await tx.query('SELECT agency_id, name FROM known_agency WHERE agency_id = ANY($1)', [agencyIds]);
  const signatures: { agency_id: string; agreement_version: string }[] = await tx.query(
    'SELECT agency_id, agreement_version FROM agency_signature WHERE agency_id = ANY($1) AND signed',
    [agencyIds],
  );
  const names = new Map(agencies.map((a) => [a.agency_id, a.name]));
  return {
    known: (id) => names.has(id),
    agencyName: (id) => names.get(id) ?? id,
    isSignatory: (id, version) => signatures.some((s) => s.agency_id === id && s.agreement_version === version),
  };
}

export async function loadService(tx: EntityManager, serviceId: string): Promise<ServiceFacts | null> {
  const [s] = await tx.query('SELECT * FROM known_service WHERE service_id = $1', [serviceId]);
  return s ? { serviceId: s.service_id, agencyId: s.agency_id, name: s.name, status: s.status, available: s.available, waitlistAllowed: s.waitlist_allowed } : null;
}
