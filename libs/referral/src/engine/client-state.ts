import { Agreement, ClientState, DirectoryView, ReferralFacts, ServiceFacts } from '@umbrella/agreement';
import { ConsentPurpose, DomainOfSupport, OPEN_REFERRAL_STATUSES } from '@umbrella/contracts';
import { EntityManager } from 'typeorm';

type Row = Record<string, string | null>;

/** What a decision reads, in one round trip: the client's state and the directory of the agencies involved. */
const DECISION_INPUTS = `
  SELECT
    (SELECT agency_id FROM client_lead WHERE client_id = $1) AS lead,
    (SELECT coalesce(json_agg(json_build_object('agency_id', agency_id, 'domain', domain, 'referral_id', referral_id)), '[]')
       FROM claim WHERE client_id = $1 AND released_at IS NULL) AS claims,
    (SELECT coalesce(json_agg(r), '[]') FROM referral r
      WHERE client_id = $1 AND (status = ANY($4) OR requested_at >= $2)) AS referrals,
    (SELECT coalesce(json_agg(json_build_object('agency_id', agency_id, 'domain', domain, 'purpose', purpose)), '[]')
       FROM client_consent WHERE client_id = $1 AND active) AS consents,
    (SELECT coalesce(json_agg(json_build_object('outcome', outcome, 'milestone_id', milestone_id)), '[]')
       FROM credited_outcome WHERE client_id = $1) AS credited,
    (SELECT coalesce(json_agg(json_build_object('agency_id', agency_id, 'name', name)), '[]')
       FROM known_agency WHERE agency_id = ANY($3)) AS agencies,
    (SELECT coalesce(json_agg(json_build_object('agency_id', agency_id, 'agreement_version', agreement_version)), '[]')
       FROM agency_signature WHERE agency_id = ANY($3) AND signed) AS signatures,
    (SELECT coalesce(json_agg(DISTINCT agency_id || ' ' || domain), '[]')
       FROM known_service WHERE agency_id = ANY($3) AND status <> 'defunct') AS offered,
    (SELECT row_to_json(r) FROM referral r WHERE id = $5) AS referral,
    (SELECT row_to_json(s) FROM known_service s WHERE service_id = $6) AS service`;

/** The directory as a decision sees it: the engine's view, and whether an agency is known at all. */
export type DecisionDirectory = DirectoryView & { known(agencyId: string): boolean };

export interface LoadedInputs {
  readonly state: ClientState;
  readonly directory: DecisionDirectory;
  readonly referral: ReferralFacts | null;
  readonly service: ServiceFacts | null;
}

/**
 * Loads what the agreement engine needs to decide for one client, from the referral service's
 * own tables and read models, in one statement. Called inside the transaction that holds the
 * client's lock, after the lock is taken, so it reads what the previous holder committed.
 */
export async function loadDecisionInputs(
  tx: EntityManager,
  clientId: string,
  agencyIds: readonly string[],
  agreement: Agreement,
  now: Date,
  about: { readonly referralId?: string; readonly serviceId?: string } = {},
): Promise<LoadedInputs> {
  const windowStart = new Date(now.getTime() - agreement.rules.handBackWindowDays * 24 * 3600 * 1000);
  const [row]: Record<string, unknown>[] = await tx.query(DECISION_INPUTS, [clientId, windowStart, agencyIds, OPEN_REFERRAL_STATUSES, about.referralId ?? null, about.serviceId ?? null]);
  const rows = (column: string) => row[column] as Row[];
  const state: ClientState = {
    clientId,
    leadAgencyId: (row.lead as string | null) ?? null,
    claims: rows('claims').map((c) => ({ agencyId: c.agency_id as string, domain: c.domain as DomainOfSupport, referralId: c.referral_id })),
    // json_agg gives timestamps as text: toFacts turns them back into dates
    referrals: rows('referrals').map(toFacts),
    consents: rows('consents').map((c) => ({ agencyId: c.agency_id, domain: c.domain as DomainOfSupport | null, purpose: c.purpose as ConsentPurpose })),
    creditedOutcomes: rows('credited').map((c) => `${c.outcome}:${c.milestone_id}`),
  };
  const referral = row.referral as Record<string, unknown> | null;
  const service = row.service as Record<string, unknown> | null;
  return { state, directory: directoryOf(rows('agencies'), rows('signatures'), row.offered as string[]), referral: referral ? toFacts(referral) : null, service: service ? serviceFacts(service) : null };
}

export function toFacts(r: Record<string, unknown>): ReferralFacts {
  return {
    id: r.id as string,
    clientId: r.client_id as string,
    fromAgencyId: r.from_agency_id as string,
    toAgencyId: r.to_agency_id as string,
    domain: r.domain as DomainOfSupport,
    status: r.status as ReferralFacts['status'],
    requestedAt: asDate(r.requested_at),
    respondBy: asDate(r.respond_by),
    handsOverLead: r.hands_over_lead as boolean,
  };
}

const asDate = (v: unknown): Date => (v instanceof Date ? v : new Date(v as string));

/** The directory as this service knows it, for the agencies a decision involves. */
function directoryOf(agencies: readonly Row[], signatures: readonly Row[], offered: readonly string[]): DecisionDirectory {
  const names = new Map(agencies.map((a) => [a.agency_id as string, a.name as string]));
  const offers = new Set(offered);
  return {
    offers: (id, domain) => offers.has(`${id} ${domain}`),
    known: (id) => names.has(id),
    agencyName: (id) => names.get(id) ?? id,
    isSignatory: (id, version) => signatures.some((s) => s.agency_id === id && s.agreement_version === version),
  };
}

function serviceFacts(s: Record<string, unknown>): ServiceFacts {
  return {
    serviceId: s.service_id as string,
    agencyId: s.agency_id as string,
    name: s.name as string,
    status: s.status as string,
    available: s.available as number,
    waitlistAllowed: s.waitlist_allowed as boolean,
  };
}
