import { Injectable, Logger } from '@nestjs/common';
import { Agreement, Decision, refusalOfDecision } from '@umbrella/agreement';
import { EventData, EventOf, EventType } from '@umbrella/contracts';
import { EventPublisher, newEvent } from '@umbrella/messaging';
import { currentUnitOfWork, Database, KeyedLock } from '@umbrella/platform';
import { EntityManager } from 'typeorm';
import { AgreementStore } from '../agreement/agreement.store';
import { loadDecisionInputs } from './client-state';
import { Decide, DecisionContext, MaybeDecide } from './decision-context';
import { recordDecision } from './decision-record';
import { applyEngineEvents, WriteContext } from './event-writers';
import { asRaceLost } from './race-rules';

/**
 * The referral service's write pipeline, one decision of the agreement engine for one client:
 * lock the client → load its state → decide (pure) → record the decision and apply its events
 * (one writer per event) → publish them, all in one transaction. The unique constraints stay the
 * final arbiter should two instances ever race past the lock: a lost race is recorded as the
 * refusal of the rule the constraint enforces.
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
    private readonly publisher: EventPublisher,
    private readonly agreements: AgreementStore,
  ) {
    this.clientTurns = new KeyedLock({ maxWaiting: 50, maxWaitMs: database.lockTimeoutMs });
  }

  /** Runs a decision; `tx` joins a transaction the caller owns (a consumer applying an event). A null decision records nothing. */
  async run(ctx: DecisionContext, decide: MaybeDecide, tx?: EntityManager): Promise<Decision | null> {
    if (tx) return this.decideInTransaction(tx, ctx, decide, await this.agreements.active(tx));
    return (await this.execute(ctx, decide, null)).decision;
  }

  /**
   * Runs a command's decision and builds its answer in the same transaction, from what that
   * transaction wrote. A refusal is thrown as a recorded Refusal: the decision stays on record.
   */
  async command<A>(ctx: DecisionContext, decide: Decide, answer: (tx: EntityManager) => Promise<A>): Promise<A> {
    const { decision, answered } = await this.execute(ctx, decide, answer);
    if (!decision) throw new Error(`the ${ctx.command} decision was not taken`);
    if (decision.outcome === 'refused') throw refusalOfDecision(decision);
    if (answered === null) throw new Error(`the ${ctx.command} decision was allowed but built no answer`);
    return answered.value;
  }

  private async execute<A>(ctx: DecisionContext, decide: MaybeDecide, answer: ((tx: EntityManager) => Promise<A>) | null): Promise<{ decision: Decision | null; answered: { value: A } | null }> {
    // read before the transaction: on a cache miss this reads on a connection of its own, and a
    // transaction holding one connection while it waits for a second starves the pool under load
    const agreement = await this.agreements.active();
    const release = await this.takeTurn(ctx.clientId);
    try {
      let answered: { value: A } | null = null;
      try {
        const decision = await this.database.transaction(async (tx) => {
          const taken = await this.decideInTransaction(tx, ctx, decide, agreement);
          if (taken?.outcome === 'allowed' && answer) answered = { value: await answer(tx) };
          return taken;
        });
        return { decision, answered };
      } catch (error) {
        const race = asRaceLost(error);
        if (!race) throw error;
        // the transaction that lost is gone: record the refusal it amounts to in one of its own
        const refused: Decision = { outcome: 'refused', code: race.code, message: race.message, agreementVersion: agreement.version };
        await this.database.transaction(async (tx) => this.publisher.publish(tx, [await recordDecision(tx, ctx, refused, this.envelopeFor(ctx, agreement.version), new Date())]));
        this.logRefusal(ctx, refused);
        return { decision: refused, answered: null };
      }
    } finally {
      release();
    }
  }

  /** lock → load → decide → record and apply → publish, inside `tx`. */
  private async decideInTransaction(tx: EntityManager, ctx: DecisionContext, decide: MaybeDecide, agreement: Agreement): Promise<Decision | null> {
    const now = new Date();
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`client:${ctx.clientId}`]);
    // read after the lock is held: the previous holder's writes are committed
    const loaded = await loadDecisionInputs(tx, ctx.clientId, ctx.agencyIds, agreement, now, { referralId: ctx.referralId, serviceId: ctx.serviceId });
    const decision = decide({ agreement, now, ...loaded });
    if (!decision) return null;
    const envelope = this.envelopeFor(ctx, decision.agreementVersion);
    const recorded = await recordDecision(tx, ctx, decision, envelope, now);
    const write: WriteContext = { tx, clientId: ctx.clientId, agencyId: ctx.agencyId, agreementVersion: agreement.version, now, envelope };
    const applied = decision.outcome === 'allowed' ? await applyEngineEvents(decision.events, write) : [];
    // the decision's event and the state's events go to the outbox in one statement
    await this.publisher.publish(tx, [recorded, ...applied]);
    if (decision.outcome === 'refused') this.logRefusal(ctx, decision);
    return decision;
  }

  /**
   * The client's turn in this instance. Inside a command the client's advisory lock is held until
   * the command commits, so is its turn: a second decision on the same client in the command needs none.
   */
  private async takeTurn(clientId: string): Promise<() => void> {
    const unit = currentUnitOfWork();
    if (!unit) return this.clientTurns.acquire(clientId);
    const turns = this.turnsHeld.get(unit) ?? new Set<string>();
    if (turns.has(clientId)) return () => undefined;
    const release = await this.clientTurns.acquire(clientId);
    turns.add(clientId);
    this.turnsHeld.set(unit, turns);
    unit.whenEnded(release);
    return () => undefined;
  }

  private envelopeFor(ctx: DecisionContext, agreementVersion: string): <K extends EventType>(type: K, data: EventData<K>) => EventOf<K> {
    return (type, data) =>
      newEvent({
        type,
        producer: 'referral',
        data,
        agreementVersion,
        ...(ctx.actor ? { actor: ctx.actor } : {}),
        ...(ctx.correlationId ? { correlationId: ctx.correlationId } : {}),
        ...(ctx.causationId ? { causationId: ctx.causationId } : {}),
      });
  }

  private logRefusal(ctx: DecisionContext, decision: Extract<Decision, { outcome: 'refused' }>): void {
    this.logger.log(`${decision.code} refused ${ctx.command} for ${ctx.clientId}: ${decision.message}`);
  }
}
