import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { Agreement, ClientState, Decision, EngineEvent } from '@umbrella/agreement';
import { Actor, DomainOfSupport, EventEnvelope } from '@umbrella/contracts';
import { TRANSITION_EVENT } from '@umbrella/contracts/vocabulary';
import { appendToOutbox, Messaging, newEvent } from '@umbrella/messaging';
import { currentUnitOfWork, Database, KeyedLock, RecordedRefusal } from '@umbrella/platform';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AgreementStore } from '../agreement/agreement.store';
import { DecisionDirectory, loadDecisionInputs } from './client-state';

export interface DecisionContext {
  readonly clientId: string;
  /** What was asked, e.g. `request-referral`, `accept`, `claim`. */
  readonly command: string;
  readonly actor: Actor | null;
  readonly agencyId: string | null;
  readonly referralId?: string;
  readonly domain?: DomainOfSupport;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** Agencies whose signatures and names the decision needs. */
  readonly agencyIds: readonly string[];
}

export type Decide = (agreement: Agreement, state: ClientState, directory: DecisionDirectory, now: Date, tx: EntityManager) => Promise<Decision> | Decision;
/** A decision a consumer may find it need not take (null): nothing is recorded then. */
export type MaybeDecide = (agreement: Agreement, state: ClientState, directory: DecisionDirectory, now: Date, tx: EntityManager) => Promise<Decision | null> | Decision | null;

/** A constraint caught a race the lock did not: map it to the rule it enforces. */
class RaceLost extends Error {
  constructor(readonly code: Exclude<Decision, { outcome: 'allowed' }>['code'], message: string) {
    super(message);
  }
}

const CONSTRAINT_RULES: Record<string, [RaceLost['code'], string]> = {
  referral_one_open_per_client_domain: ['UA-5', 'This client already has an open referral in this domain.'],
  claim_one_holder_in_exclusive_domain: ['UA-4', "Another agency already holds this client's case in this exclusive domain."],
  claim_once_per_agency: ['UA-4', 'Your agency already holds this claim.'],
  client_lead_pkey: ['UA-3', 'This client already has a lead agency.'],
  credited_outcome_pkey: ['UA-10', 'This outcome has already been credited to one agency.'],
};

/**
 * Runs one decision of the agreement engine for one client: takes the client's lock, loads the
 * state, asks the engine, records the decision (allowed or refused) with its event, and applies the
 * allowed events to the tables and the outbox — all in one transaction. The unique constraints
 * stay the final arbiter should two instances ever race past the lock.
 */
@Injectable()
export class DecisionRunner {
  private readonly logger = new Logger('Agreement');

  /**
   * Requests racing on one client wait for their turn here, holding no connection, rather than each
   * holding a pooled connection while it waits for the client's advisory lock (which still decides
   * between instances). Bounded: past 50 waiting, or the lock timeout, a request is answered 503.
   */
  private readonly clientTurns: KeyedLock;
  /** Turns a command already holds: a second decision on the same client in one command needs no second turn. */
  private readonly turnsHeld = new WeakMap<object, Set<string>>();

  constructor(
    private readonly database: Database,
    private readonly messaging: Messaging,
    private readonly agreements: AgreementStore,
  ) {
    this.clientTurns = new KeyedLock({ maxWaiting: 50, maxWaitMs: database.lockTimeoutMs });
  }

  /** Runs a decision; `tx` joins a transaction the caller owns (a consumer applying an event). A null decision records nothing. */
  async run(ctx: DecisionContext, decide: MaybeDecide, tx?: EntityManager): Promise<Decision | null> {
    return (await this.execute(ctx, decide, tx, null)).decision;
  }

  /**
   * Runs a command's decision and builds its answer in the same transaction, from what that
   * transaction wrote. A refusal is thrown as a RecordedRefusal: the decision stays on record.
   */
  async command<A>(ctx: DecisionContext, decide: Decide, answer: (tx: EntityManager) => Promise<A>): Promise<A> {
    const { decision, answered } = await this.execute(ctx, decide, undefined, answer);
    if (!decision) throw new Error(`the ${ctx.command} decision was not taken`);
    const refusal = refusalToHttp(decision);
    if (refusal) throw refusal;
    return answered as A;
  }

  private async execute<A>(ctx: DecisionContext, decide: MaybeDecide, tx: EntityManager | undefined, answer: ((tx: EntityManager) => Promise<A>) | null): Promise<{ decision: Decision | null; answered: A | null }> {
    const agreement = await this.agreements.active();
    const now = new Date();
    let answered: A | null = null;
    const body = async (t: EntityManager) => {
      await t.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`client:${ctx.clientId}`]);
      // read after the lock is held: the previous holder's writes are committed
      const { state, directory } = await loadDecisionInputs(t, ctx.clientId, ctx.agencyIds, agreement, now);
      const decision = await decide(agreement, state, directory, now, t);
      if (!decision) return null;
      const recorded = await this.record(t, ctx, decision, now);
      const applied = decision.outcome === 'allowed' ? await this.apply(t, ctx, decision.events, agreement.version, now) : [];
      // the decision's event and the state's events go to the outbox in one statement
      await appendToOutbox(t, [recorded, ...applied]);
      if (decision.outcome === 'allowed' && answer) answered = await answer(t);
      return decision;
    };
    if (tx) return { decision: await body(tx), answered };
    // inside a command the client's advisory lock is held until the command commits: so is its turn
    const unit = currentUnitOfWork();
    const turns = unit ? (this.turnsHeld.get(unit) ?? new Set<string>()) : null;
    const release = turns?.has(ctx.clientId) ? () => undefined : await this.clientTurns.acquire(ctx.clientId);
    if (unit && turns) {
      turns.add(ctx.clientId);
      this.turnsHeld.set(unit, turns);
      unit.whenEnded(release);
    }
    try {
      try {
        const decision = await this.database.transaction(body);
        this.messaging.afterCommit();
        return { decision, answered };
      } catch (error) {
        const race = asRaceLost(error);
        if (!race) throw error;
        const refused: Decision = { outcome: 'refused', code: race.code, message: race.message, agreementVersion: agreement.version };
        await this.database.transaction(async (t) => appendToOutbox(t, [await this.record(t, ctx, refused, new Date())]));
        this.messaging.afterCommit();
        return { decision: refused, answered: null };
      }
    } finally {
      if (!unit) release();
    }
  }

  /** Stores the decision, allowed or refused, and returns its event for the outbox. */
  private async record(tx: EntityManager, ctx: DecisionContext, decision: Decision, now: Date): Promise<EventEnvelope> {
    const id = randomUUID();
    const reason = decision.outcome === 'allowed' ? `Allowed under version ${decision.agreementVersion} of the agreement.` : decision.message;
    const code = decision.outcome === 'refused' ? decision.code : null;
    const checked = decision.outcome === 'allowed' ? decision.checked : [];
    await tx.query(
      `INSERT INTO decision (id, decided_at, client_id, command, outcome, code, rules_checked, reason, agreement_version, agency_id, user_id, referral_id, domain)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [id, now, ctx.clientId, ctx.command, decision.outcome, code, checked, reason, decision.agreementVersion, ctx.agencyId, ctx.actor?.userId ?? null, ctx.referralId ?? null, ctx.domain ?? null],
    );
    if (decision.outcome === 'refused') this.logger.log(`${code} refused ${ctx.command} for ${ctx.clientId}: ${reason}`);
    return this.event('AgreementDecisionRecorded', ctx, decision.agreementVersion, {
        decisionId: id,
        clientId: ctx.clientId,
        command: ctx.command,
        outcome: decision.outcome,
        ...(code ? { code } : {}),
        rulesChecked: checked,
        reason,
        ...(ctx.agencyId ? { agencyId: ctx.agencyId } : {}),
        ...(ctx.referralId ? { referralId: ctx.referralId } : {}),
        ...(ctx.domain ? { domain: ctx.domain } : {}),
        decidedAt: now.toISOString(),
      });
  }

  private event<T extends object>(type: string, ctx: DecisionContext, agreementVersion: string, data: T, schemaVersion = 1): EventEnvelope<string, T> {
    return newEvent<T>({
      type,
      schemaVersion,
      producer: 'referral',
      data,
      agreementVersion,
      ...(ctx.actor ? { actor: ctx.actor } : {}),
      ...(ctx.correlationId ? { correlationId: ctx.correlationId } : {}),
      ...(ctx.causationId ? { causationId: ctx.causationId } : {}),
    });
  }

  /** Writes the engine's events to the tables and returns them as events for the outbox; a lost race surfaces as RaceLost. */
  private async apply(tx: EntityManager, ctx: DecisionContext, events: EngineEvent[], version: string, now: Date): Promise<EventEnvelope[]> {
    const out: EventEnvelope[] = [];
    const at = now.toISOString();
    for (const e of events) {
      switch (e.type) {
        case 'ReferralRequested': {
          const r = e.referral;
          await guarded(() =>
            tx.query(
              `INSERT INTO referral (id, client_id, from_agency_id, to_agency_id, domain, service_id, status, requested_at, respond_by, waitlisted, hands_over_lead, agreement_version)
               VALUES ($1, $2, $3, $4, $5, $6, 'requested', $7, $8, $9, $10, $11)`,
              [r.id, r.clientId, r.fromAgencyId, r.toAgencyId, r.domain, e.serviceId, r.requestedAt, r.respondBy, e.waitlisted, r.handsOverLead, version],
            ),
          );
          out.push(
            this.event(
              'ReferralRequested',
              ctx,
              version,
              {
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
              },
              2,
            ),
          );
          break;
        }
        case 'ReferralStatusChanged': {
          const [rows] = await tx.query(
            `UPDATE referral SET status = $3, reason_code = coalesce($4, reason_code), updated_at = $5
              WHERE id = $1 AND status = $2 RETURNING client_id, from_agency_id, to_agency_id, domain`,
            [e.referralId, e.from, e.to, e.reason, now],
          );
          if (rows.length === 0) throw new RaceLost('REFERRAL.ILLEGAL_TRANSITION', `The referral is no longer ${e.from}; someone acted on it a moment ago.`);
          const r = rows[0];
          out.push(
            this.event(TRANSITION_EVENT[e.action], ctx, version, {
              referralId: e.referralId,
              clientId: r.client_id,
              fromAgencyId: r.from_agency_id,
              toAgencyId: r.to_agency_id,
              domain: r.domain,
              previousStatus: e.from,
              status: e.to,
              ...(ctx.agencyId ? { byAgencyId: ctx.agencyId } : {}),
              ...(e.reason ? { reason: e.reason } : {}),
              at,
            }),
          );
          break;
        }
        case 'ClaimGranted':
          await guarded(() =>
            tx.query('INSERT INTO claim (id, client_id, domain, agency_id, exclusive, referral_id, granted_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
              randomUUID(),
              ctx.clientId,
              e.domain,
              e.agencyId,
              e.exclusive,
              e.referralId,
              now,
            ]),
          );
          out.push(this.event('ClaimGranted', ctx, version, { clientId: ctx.clientId, agencyId: e.agencyId, domain: e.domain, exclusive: e.exclusive, ...(e.referralId ? { referralId: e.referralId } : {}), grantedAt: at }));
          break;
        case 'ClaimReleased':
          await tx.query('UPDATE claim SET released_at = $4, release_reason = $5 WHERE client_id = $1 AND domain = $2 AND agency_id = $3 AND released_at IS NULL', [
            ctx.clientId,
            e.domain,
            e.agencyId,
            now,
            e.reason,
          ]);
          out.push(this.event('ClaimReleased', ctx, version, { clientId: ctx.clientId, agencyId: e.agencyId, domain: e.domain, reason: e.reason, releasedAt: at }));
          break;
        case 'LeadHandedOver': {
          if (e.fromAgencyId === null) {
            await guarded(() => tx.query('INSERT INTO client_lead (client_id, agency_id, since, referral_id) VALUES ($1, $2, $3, $4)', [ctx.clientId, e.toAgencyId, now, e.referralId]));
          } else {
            const [moved] = await tx.query('UPDATE client_lead SET agency_id = $3, since = $4, referral_id = $5 WHERE client_id = $1 AND agency_id = $2 RETURNING client_id', [
              ctx.clientId,
              e.fromAgencyId,
              e.toAgencyId,
              now,
              e.referralId,
            ]);
            if (moved.length === 0) throw new RaceLost('UA-3', 'The lead changed a moment ago; this referral can no longer hand it over.');
          }
          out.push(this.event('LeadHandedOver', ctx, version, { clientId: ctx.clientId, ...(e.fromAgencyId ? { fromAgencyId: e.fromAgencyId } : {}), toAgencyId: e.toAgencyId, referralId: e.referralId, at }));
          break;
        }
        case 'OutcomeCredited':
          await guarded(() =>
            tx.query(
              `INSERT INTO credited_outcome (milestone_id, client_id, outcome, credited_agency_id, contributing, agreement_version, occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
              [e.milestoneId, ctx.clientId, e.outcome, e.creditedAgencyId, e.contributingAgencyIds, version, now],
            ),
          );
          out.push(
            this.event('OutcomeCredited', ctx, version, {
              clientId: ctx.clientId,
              milestoneId: e.milestoneId,
              outcome: e.outcome,
              creditedAgencyId: e.creditedAgencyId,
              contributingAgencyIds: e.contributingAgencyIds,
              occurredAt: at,
            }),
          );
          break;
      }
    }
    return out;
  }
}

async function guarded<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw asRaceLost(error) ?? error;
  }
}

function asRaceLost(error: unknown): RaceLost | null {
  if (error instanceof RaceLost) return error;
  const e = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = e.code ?? e.driverError?.code;
  const constraint = e.constraint ?? e.driverError?.constraint;
  if (code === '23505' && constraint && CONSTRAINT_RULES[constraint]) return new RaceLost(...CONSTRAINT_RULES[constraint]);
  return null;
}

/** How a refused decision answers over HTTP: 409 for the agreement's rules and the lifecycle, with the rule's code. */
export function refusalToHttp(decision: Decision): RecordedRefusal | null {
  if (decision.outcome === 'allowed') return null;
  const status =
    decision.code === 'REFERRAL.NOT_ADDRESSED_TO_AGENCY'
      ? HttpStatus.FORBIDDEN
      : decision.code === 'REFERRAL.SERVICE_MISMATCH' || decision.code === 'REFERRAL.SAME_AGENCY' || decision.code === 'CLAIM.NO_SERVICE_IN_DOMAIN'
        ? HttpStatus.UNPROCESSABLE_ENTITY
        : HttpStatus.CONFLICT;
  return new RecordedRefusal(status, decision.code, decision.message, undefined, { agreementVersion: decision.agreementVersion });
}
