import { AgreementDecisionRecordedV1, ReferralRequestedV2, ReferralTransitionV1 } from '@umbrella/contracts';
import { isAnswer, isClosedStatus } from '@umbrella/contracts/vocabulary';
import { appendToOutbox, HandledEvent } from '@umbrella/messaging';
import { EntityManager } from 'typeorm';
import { factEventOf, FactRow } from './referral-fact-stream';
import { PROJECTION_HANDLERS, TRANSITION_TYPES } from './referral-facts.projection';

/** Events that change the dimensions a fact carries: a batch holding one is applied event by event. */
const DIMENSION_TYPES = new Set(['AgencyRegistered', 'AgencyUpdated', 'ClientRegistered']);

const REFERRAL_COLUMNS = [
  'referral_id',
  'client_id',
  'from_agency_id',
  'to_agency_id',
  'domain',
  'status',
  'requested_at',
  'waitlisted',
  'answer',
  'answered_at',
  'reject_reason',
  'closed_at',
  'fact_sequence',
];
const DECISION_COLUMNS = ['decision_id', 'client_id', 'command', 'outcome', 'code', 'agency_id', 'domain', 'decided_at'];

/** What a transition does to a referral's row: the same as the per-event UPDATE in onReferralTransition. */
export function applyTransition(row: FactRow, d: ReferralTransitionV1): void {
  const answer = isAnswer(d.status) && d.previousStatus === 'requested' ? d.status : null;
  const closed = isClosedStatus(d.status);
  if (row.answer == null && answer !== null) {
    row.answer = answer;
    row.answered_at = d.at;
  }
  if (answer === 'rejected') row.reject_reason = d.reason ?? null;
  if (closed) row.closed_at = d.at;
  row.status = d.status;
}

/**
 * Applies a batch of events to the projections with a handful of statements instead of several
 * per event: the referrals' rows are read once, the events folded into them in order, and the
 * rows, decisions, published markers and facts written back in one statement each. The result is
 * the one the per-event handlers give, event after event (the projection's tests compare both).
 */
export async function applyProjectionBatch(events: readonly HandledEvent[], tx: EntityManager): Promise<void> {
  if (events.some((e) => DIMENSION_TYPES.has(e.type))) {
    for (const event of events) await PROJECTION_HANDLERS[event.type](event, tx);
    return;
  }
  const isReferralEvent = (e: HandledEvent) => e.type === 'ReferralRequested' || TRANSITION_TYPES.has(e.type);
  const referralEvents = events.filter(isReferralEvent);
  const rows = new Map<string, FactRow>();
  const published = new Set<string>();
  if (referralEvents.length > 0) {
    const ids = [...new Set(referralEvents.map((e) => (e.data as { referralId: string }).referralId))];
    for (const row of (await tx.query('SELECT * FROM referral_fact WHERE referral_id = ANY($1::uuid[])', [ids])) as FactRow[]) rows.set(row.referral_id as string, row);
    const sources: { id: string }[] = await tx.query('SELECT source_event_id::text AS id FROM fact_published WHERE source_event_id = ANY($1::uuid[])', [
      referralEvents.map((e) => e.eventId),
    ]);
    for (const { id } of sources) published.add(id);
  }

  const dirty = new Set<string>();
  const decisions: Record<string, unknown>[] = [];
  const toPublish: { event: HandledEvent; row: FactRow }[] = [];
  const publish = (event: HandledEvent, referralId: string) => {
    const row = rows.get(referralId);
    if (!row) return;
    row.fact_sequence = Number(row.fact_sequence) + 1;
    dirty.add(referralId);
    if (published.has(event.eventId.toLowerCase())) return;
    published.add(event.eventId.toLowerCase());
    toPublish.push({ event, row: { ...row } });
  };
  for (const event of events) {
    if (event.type === 'ReferralRequested') {
      const d = event.data as ReferralRequestedV2;
      if (!rows.has(d.referralId)) {
        rows.set(d.referralId, {
          referral_id: d.referralId,
          client_id: d.clientId,
          from_agency_id: d.fromAgencyId,
          to_agency_id: d.toAgencyId,
          domain: d.domain,
          status: 'requested',
          requested_at: d.requestedAt,
          waitlisted: d.waitlisted,
          answer: null,
          answered_at: null,
          reject_reason: null,
          closed_at: null,
          fact_sequence: 0,
        });
        dirty.add(d.referralId);
      }
      publish(event, d.referralId);
    } else if (TRANSITION_TYPES.has(event.type)) {
      const d = event.data as ReferralTransitionV1;
      const row = rows.get(d.referralId);
      if (row) {
        applyTransition(row, d);
        dirty.add(d.referralId);
      }
      publish(event, d.referralId);
    } else if (event.type === 'AgreementDecisionRecorded') {
      const d = event.data as AgreementDecisionRecordedV1;
      decisions.push({ decision_id: d.decisionId, client_id: d.clientId, command: d.command, outcome: d.outcome, code: d.code ?? null, agency_id: d.agencyId ?? null, domain: d.domain ?? null, decided_at: d.decidedAt });
    } else {
      // outcomes, milestones, key workers: one insert each, into tables of their own
      await PROJECTION_HANDLERS[event.type](event, tx);
    }
  }

  if (dirty.size > 0) {
    const list = REFERRAL_COLUMNS.join(', ');
    await tx.query(
      `INSERT INTO referral_fact (${list}) SELECT ${list} FROM json_populate_recordset(null::referral_fact, $1::json)
       ON CONFLICT (referral_id) DO UPDATE SET ${REFERRAL_COLUMNS.filter((c) => c !== 'referral_id')
         .map((c) => `${c} = EXCLUDED.${c}`)
         .join(', ')}`,
      [JSON.stringify([...dirty].map((id) => rows.get(id)))],
    );
  }
  if (decisions.length > 0) {
    const list = DECISION_COLUMNS.join(', ');
    await tx.query(`INSERT INTO decision_fact (${list}) SELECT ${list} FROM json_populate_recordset(null::decision_fact, $1::json) ON CONFLICT (decision_id) DO NOTHING`, [
      JSON.stringify(decisions),
    ]);
  }
  if (toPublish.length > 0) {
    await tx.query('INSERT INTO fact_published (source_event_id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING', [toPublish.map((p) => p.event.eventId)]);
    const dims = await dimensionsOf(tx, toPublish.map((p) => p.row));
    await appendToOutbox(
      tx,
      toPublish.map(({ event, row }) => factEventOf(event, { ...row, ...dims(row) })),
    );
  }
}

/** The agencies' types and regions and the clients' age bands the facts carry, read once for the batch. */
async function dimensionsOf(tx: EntityManager, rows: readonly FactRow[]): Promise<(row: FactRow) => FactRow> {
  const agencyIds = [...new Set(rows.flatMap((r) => [r.from_agency_id as string, r.to_agency_id as string]))];
  const clientIds = [...new Set(rows.map((r) => r.client_id as string))];
  const agencies = new Map<string, FactRow>(
    ((await tx.query('SELECT agency_id, stakeholder_type, region FROM agency_dim WHERE agency_id = ANY($1)', [agencyIds])) as FactRow[]).map((a) => [a.agency_id as string, a]),
  );
  const clients = new Map<string, FactRow>(
    ((await tx.query('SELECT client_id, age_band FROM client_dim WHERE client_id = ANY($1)', [clientIds])) as FactRow[]).map((c) => [c.client_id as string, c]),
  );
  return (row) => {
    const from = agencies.get(row.from_agency_id as string);
    const to = agencies.get(row.to_agency_id as string);
    return {
      from_type: from?.stakeholder_type ?? null,
      from_region: from?.region ?? null,
      to_type: to?.stakeholder_type ?? null,
      to_region: to?.region ?? null,
      age_band: clients.get(row.client_id as string)?.age_band ?? null,
    };
  };
}
