import { EngineEvent } from '@umbrella/agreement';
import { DomainOfSupport, EventData, EventOf, EventType, PlatformEvent } from '@umbrella/contracts';
import { TRANSITION_EVENT } from '@umbrella/contracts/vocabulary';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { guarded, RaceLost } from './race-rules';

/** What every writer needs: the decision's transaction, client and time, and how to wrap data as an event of this decision. */
export interface WriteContext {
  readonly tx: EntityManager;
  readonly clientId: string;
  /** The agency that acted; null when the platform acted (expiry, a withdrawn consent). */
  readonly agencyId: string | null;
  readonly agreementVersion: string;
  readonly now: Date;
  /** An envelope carrying the decision's actor, correlation, causation and agreement version. */
  readonly envelope: <K extends EventType>(type: K, data: EventData<K>) => EventOf<K>;
}

type EngineEventType = EngineEvent['type'];
type EngineEventOf<T extends EngineEventType> = Extract<EngineEvent, { type: T }>;

/** One writer per engine event: its rows in the referral service's tables, and the event it publishes. */
type Writers = { readonly [T in EngineEventType]: (event: EngineEventOf<T>, w: WriteContext) => Promise<PlatformEvent> };

const WRITERS: Writers = {
  async ReferralRequested(e, w) {
    const r = e.referral;
    await guarded(() =>
      w.tx.query(
        `INSERT INTO referral (id, client_id, from_agency_id, to_agency_id, domain, service_id, status, requested_at, respond_by, waitlisted, hands_over_lead, agreement_version)
         VALUES ($1, $2, $3, $4, $5, $6, 'requested', $7, $8, $9, $10, $11)`,
        [r.id, r.clientId, r.fromAgencyId, r.toAgencyId, r.domain, e.serviceId, r.requestedAt, r.respondBy, e.waitlisted, r.handsOverLead, w.agreementVersion],
      ),
    );
    return w.envelope('ReferralRequested', {
      referralId: r.id,
      clientId: r.clientId,
      fromAgencyId: r.fromAgencyId,
      toAgencyId: r.toAgencyId,
      domain: r.domain,
      ...(e.serviceId ? { serviceId: e.serviceId } : {}),
      requestedAt: r.requestedAt.toISOString(),
      respondBy: r.respondBy.toISOString(),
      waitlisted: e.waitlisted,
      handsOverLead: r.handsOverLead,
    });
  },

  async ReferralStatusChanged(e, w) {
    // the status it moves from is part of the WHERE: a step someone else took a moment ago is a lost race
    const [rows]: [{ client_id: string; from_agency_id: string; to_agency_id: string; domain: DomainOfSupport }[], number] = await w.tx.query(
      `UPDATE referral SET status = $3, reason_code = coalesce($4, reason_code), updated_at = $5
        WHERE id = $1 AND status = $2 RETURNING client_id, from_agency_id, to_agency_id, domain`,
      [e.referralId, e.from, e.to, e.reason, w.now],
    );
    if (rows.length === 0) throw new RaceLost('REFERRAL.ILLEGAL_TRANSITION', `The referral is no longer ${e.from}; someone acted on it a moment ago.`);
    const r = rows[0];
    return w.envelope(TRANSITION_EVENT[e.action], {
      referralId: e.referralId,
      clientId: r.client_id,
      fromAgencyId: r.from_agency_id,
      toAgencyId: r.to_agency_id,
      domain: r.domain,
      previousStatus: e.from,
      status: e.to,
      ...(w.agencyId ? { byAgencyId: w.agencyId } : {}),
      ...(e.reason ? { reason: e.reason } : {}),
      at: w.now.toISOString(),
    });
  },

  async ClaimGranted(e, w) {
    await guarded(() =>
      w.tx.query('INSERT INTO claim (id, client_id, domain, agency_id, exclusive, referral_id, granted_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        randomUUID(),
        w.clientId,
        e.domain,
        e.agencyId,
        e.exclusive,
        e.referralId,
        w.now,
      ]),
    );
    return w.envelope('ClaimGranted', { clientId: w.clientId, agencyId: e.agencyId, domain: e.domain, exclusive: e.exclusive, ...(e.referralId ? { referralId: e.referralId } : {}), grantedAt: w.now.toISOString() });
  },

  async ClaimReleased(e, w) {
    await w.tx.query('UPDATE claim SET released_at = $4, release_reason = $5 WHERE client_id = $1 AND domain = $2 AND agency_id = $3 AND released_at IS NULL', [
      w.clientId,
      e.domain,
      e.agencyId,
      w.now,
      e.reason,
    ]);
    return w.envelope('ClaimReleased', { clientId: w.clientId, agencyId: e.agencyId, domain: e.domain, reason: e.reason, releasedAt: w.now.toISOString() });
  },

  async LeadHandedOver(e, w) {
    if (e.fromAgencyId === null) {
      await guarded(() => w.tx.query('INSERT INTO client_lead (client_id, agency_id, since, referral_id) VALUES ($1, $2, $3, $4)', [w.clientId, e.toAgencyId, w.now, e.referralId]));
    } else {
      const [moved]: [unknown[], number] = await w.tx.query('UPDATE client_lead SET agency_id = $3, since = $4, referral_id = $5 WHERE client_id = $1 AND agency_id = $2 RETURNING client_id', [
        w.clientId,
        e.fromAgencyId,
        e.toAgencyId,
        w.now,
        e.referralId,
      ]);
      if (moved.length === 0) throw new RaceLost('UA-3', 'The lead changed a moment ago; this referral can no longer hand it over.');
    }
    return w.envelope('LeadHandedOver', { clientId: w.clientId, ...(e.fromAgencyId ? { fromAgencyId: e.fromAgencyId } : {}), toAgencyId: e.toAgencyId, referralId: e.referralId, at: w.now.toISOString() });
  },

  async OutcomeCredited(e, w) {
    await guarded(() =>
      w.tx.query(
        `INSERT INTO credited_outcome (milestone_id, client_id, outcome, credited_agency_id, contributing, agreement_version, occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [e.milestoneId, w.clientId, e.outcome, e.creditedAgencyId, e.contributingAgencyIds, w.agreementVersion, w.now],
      ),
    );
    return w.envelope('OutcomeCredited', {
      clientId: w.clientId,
      milestoneId: e.milestoneId,
      outcome: e.outcome,
      creditedAgencyId: e.creditedAgencyId,
      contributingAgencyIds: e.contributingAgencyIds,
      occurredAt: w.now.toISOString(),
    });
  },
};

function write<T extends EngineEventType>(event: EngineEventOf<T> & { readonly type: T }, w: WriteContext): Promise<PlatformEvent> {
  const writer: Writers[T] = WRITERS[event.type];
  return writer(event, w);
}

/** Applies an allowed decision's events in order; returns the events to publish. A lost race surfaces as RaceLost. */
export async function applyEngineEvents(events: readonly EngineEvent[], w: WriteContext): Promise<PlatformEvent[]> {
  const out: PlatformEvent[] = [];
  for (const event of events) out.push(await write(event, w));
  return out;
}
