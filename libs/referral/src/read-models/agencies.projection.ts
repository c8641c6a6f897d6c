import { decideClaimsAfterWithdrawal, decideOutcome, decideStep, isOpen, referralStillCovered } from '@umbrella/agreement';
import { AgencyEvent, ClientEvent, DomainOfSupport, EventOf } from '@umbrella/contracts';
import { ConsumerHandlers } from '@umbrella/messaging';
import { OPEN_REFERRAL_STATUSES } from '@umbrella/contracts/vocabulary';
import { EntityManager } from 'typeorm';
import { referralOrGone } from '../engine/decision-context';
import { DecisionRunner } from '../engine/decision-runner';

/*
 * The referral service's own copies of other services' data, built from their events, so no
 * decision ever waits on a call to another service.
 */

async function upsertAgency(event: EventOf<'AgencyRegistered' | 'AgencyUpdated'>, tx: EntityManager): Promise<void> {
  const data = event.data;
  await tx.query(
    `INSERT INTO known_agency (agency_id, name, stakeholder_type, region, updated_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (agency_id) DO UPDATE
       SET name = EXCLUDED.name, stakeholder_type = EXCLUDED.stakeholder_type, region = EXCLUDED.region, updated_at = EXCLUDED.updated_at`,
    [data.agencyId, data.name, data.stakeholderType, data.region, event.occurredAt],
  );
}

async function signature(event: EventOf<'AgreementSigned' | 'AgreementSignatureSuspended'>, tx: EntityManager): Promise<void> {
  const data = event.data;
  await tx.query(
    `INSERT INTO agency_signature (agency_id, agreement_version, signed, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (agency_id, agreement_version) DO UPDATE SET signed = EXCLUDED.signed, updated_at = EXCLUDED.updated_at
     WHERE agency_signature.updated_at <= EXCLUDED.updated_at`,
    [data.agencyId, data.agreementVersion, event.type === 'AgreementSigned', event.occurredAt],
  );
}

async function service(event: EventOf<'ServiceOffered' | 'ServiceUpdated'>, tx: EntityManager): Promise<void> {
  const s = event.data;
  await tx.query(
    `INSERT INTO known_service (service_id, agency_id, name, status, domain, available, waitlist_allowed, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (service_id) DO UPDATE SET agency_id = EXCLUDED.agency_id, name = EXCLUDED.name, status = EXCLUDED.status, domain = EXCLUDED.domain,
       available = EXCLUDED.available, waitlist_allowed = EXCLUDED.waitlist_allowed, updated_at = EXCLUDED.updated_at`,
    [s.serviceId, s.agencyId, s.name, s.status, s.domain, s.capacity.available, s.capacity.waitlistAllowed, event.occurredAt],
  );
}

async function capacity(event: EventOf<'ServiceCapacityChanged'>, tx: EntityManager): Promise<void> {
  const c = event.data;
  await tx.query('UPDATE known_service SET available = $2, waitlist_allowed = $3, updated_at = $4 WHERE service_id = $1', [c.serviceId, c.available, c.waitlistAllowed, event.occurredAt]);
}

async function withdrawn(event: EventOf<'ServiceWithdrawn'>, tx: EntityManager): Promise<void> {
  const w = event.data;
  await tx.query(`UPDATE known_service SET status = 'defunct', updated_at = $2 WHERE service_id = $1`, [w.serviceId, event.occurredAt]);
}

/** The registering agency leads the case until it hands the lead over by referral (UA-3). */
async function clientRegistered(event: EventOf<'ClientRegistered'>, tx: EntityManager): Promise<void> {
  const c = event.data;
  await tx.query('INSERT INTO client_lead (client_id, agency_id, since) VALUES ($1, $2, $3) ON CONFLICT (client_id) DO NOTHING', [c.clientId, c.registeredByAgencyId, c.registeredAt]);
}

async function consentGiven(event: EventOf<'ConsentGiven'>, tx: EntityManager): Promise<void> {
  const c = event.data;
  await tx.query(
    `INSERT INTO client_consent (consent_id, client_id, agency_id, domain, purpose, active, updated_at) VALUES ($1, $2, $3, $4, $5, true, $6)
     ON CONFLICT (consent_id) DO NOTHING`,
    [c.consentId, c.clientId, c.agencyId ?? null, c.domain ?? null, c.purpose, event.occurredAt],
  );
}

/**
 * UA-2: withdrawing consent cancels the open referrals it no longer covers (each its own decision,
 * releasing the claim the referral granted), then releases the claims it no longer covers. The
 * engine decides both from the client's state with the withdrawal applied.
 */
async function withdrawWhatConsentNoLongerCovers(runner: DecisionRunner, clientId: string, causationId: string, tx: EntityManager): Promise<void> {
  const open: { id: string; from_agency_id: string; to_agency_id: string; domain: DomainOfSupport }[] = await tx.query(
    'SELECT id, from_agency_id, to_agency_id, domain FROM referral WHERE client_id = $1 AND status = ANY($2)',
    [clientId, OPEN_REFERRAL_STATUSES],
  );
  for (const row of open) {
    await runner.run(
      { clientId, command: 'cancel', actor: null, agencyId: null, referralId: row.id, domain: row.domain, causationId, agencyIds: [row.from_agency_id, row.to_agency_id] },
      ({ agreement, state, directory, now, referral }) => {
        const current = referralOrGone(referral);
        if (!isOpen(current.status) || referralStillCovered(agreement, state, directory, current)) return null;
        return decideStep(agreement, state, directory, { referral: current, action: 'cancel', byAgencyId: null, reason: 'consent-withdrawn' }, now);
      },
      tx,
    );
  }
  const holders: { agency_id: string }[] = await tx.query('SELECT DISTINCT agency_id FROM claim WHERE client_id = $1 AND released_at IS NULL', [clientId]);
  if (holders.length === 0) return;
  await runner.run(
    { clientId, command: 'release-claim', actor: null, agencyId: null, causationId, agencyIds: holders.map((h) => h.agency_id) },
    ({ agreement, state, directory }) => decideClaimsAfterWithdrawal(agreement, state, directory),
    tx,
  );
}

const OUTCOMES = ['training-started', 'job-entry', 'sustained-employment-13-weeks', 'sustained-employment-26-weeks'];

/** Handlers that also take agreement decisions: withdrawn consent cancels (UA-2), outcomes are credited (UA-10). */
export function referralConsumerHandlers(runner: DecisionRunner): ConsumerHandlers<AgencyEvent | ClientEvent> {
  return {
    AgencyRegistered: upsertAgency,
    AgencyUpdated: upsertAgency,
    AgreementSigned: signature,
    AgreementSignatureSuspended: signature,
    ServiceOffered: service,
    ServiceUpdated: service,
    ServiceCapacityChanged: capacity,
    ServiceWithdrawn: withdrawn,
    ClientRegistered: clientRegistered,
    ConsentGiven: consentGiven,
    ConsentWithdrawn: async (event, tx) => {
      const c = event.data;
      // a withdrawal that arrives before its consent still leaves an inactive row, so the consent arriving later grants nothing
      await tx.query(
        `INSERT INTO client_consent (consent_id, client_id, agency_id, domain, purpose, active, updated_at) VALUES ($1, $2, $3, $4, $5, false, $6)
         ON CONFLICT (consent_id) DO UPDATE SET active = false, updated_at = EXCLUDED.updated_at`,
        [c.consentId, c.clientId, c.agencyId ?? null, c.domain ?? null, c.purpose, event.occurredAt],
      );
      await withdrawWhatConsentNoLongerCovers(runner, c.clientId, event.eventId, tx);
    },
    MilestoneRecorded: async (event, tx) => {
      const m = event.data;
      if (!OUTCOMES.includes(m.milestone)) return;
      await runner.run(
        { clientId: m.clientId, command: 'credit-outcome', actor: null, agencyId: m.recordedByAgencyId, domain: m.domain, causationId: event.eventId, agencyIds: [m.recordedByAgencyId] },
        ({ agreement, state }) => decideOutcome(agreement, state, { milestoneId: m.milestoneId, outcome: m.milestone, recordedByAgencyId: m.recordedByAgencyId }, m.recordedByAgencyId),
        tx,
      );
    },
  };
}
