import { Decision } from '@umbrella/agreement';
import { EventOf } from '@umbrella/contracts';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { DecisionContext } from './decision-context';
import { WriteContext } from './event-writers';

/** Stores a decision, allowed or refused, in `decision`, and returns its AgreementDecisionRecorded event. */
export async function recordDecision(tx: EntityManager, ctx: DecisionContext, decision: Decision, envelope: WriteContext['envelope'], now: Date): Promise<EventOf<'AgreementDecisionRecorded'>> {
  const id = randomUUID();
  const reason = decision.outcome === 'allowed' ? `Allowed under version ${decision.agreementVersion} of the agreement.` : decision.message;
  const code = decision.outcome === 'refused' ? decision.code : null;
  const checked = decision.outcome === 'allowed' ? decision.checked : [];
  await tx.query(
    `INSERT INTO decision (id, decided_at, client_id, command, outcome, code, rules_checked, reason, agreement_version, agency_id, user_id, referral_id, domain)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [id, now, ctx.clientId, ctx.command, decision.outcome, code, checked, reason, decision.agreementVersion, ctx.agencyId, ctx.actor?.userId ?? null, ctx.referralId ?? null, ctx.domain ?? null],
  );
  return envelope('AgreementDecisionRecorded', {
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
