import { Injectable } from '@nestjs/common';
import { decideClaimsAfterWithdrawal, decideStep, isOpen, referralStillCovered } from '@umbrella/agreement';
import { DomainOfSupport, EventOf } from '@umbrella/contracts';
import { OPEN_REFERRAL_STATUSES } from '@umbrella/contracts/vocabulary';
import { EntityManager } from 'typeorm';
import { referralOrGone } from '../../engine/decision-context';
import { DecisionRunner } from '../../engine/decision-runner';

/**
 * UA-2: withdrawing consent cancels the open referrals it no longer covers (each its own decision,
 * releasing the claim the referral granted), then releases the claims it no longer covers. The
 * engine decides both from the client's state with the withdrawal applied.
 */
@Injectable()
export class CancelOnConsentWithdrawnHandler {
  constructor(private readonly runner: DecisionRunner) {}

  async execute(event: EventOf<'ConsentWithdrawn'>, tx: EntityManager): Promise<void> {
    const c = event.data;
    // a withdrawal that arrives before its consent still leaves an inactive row, so the consent arriving later grants nothing
    await tx.query(
      `INSERT INTO client_consent (consent_id, client_id, agency_id, domain, purpose, active, updated_at) VALUES ($1, $2, $3, $4, $5, false, $6)
       ON CONFLICT (consent_id) DO UPDATE SET active = false, updated_at = EXCLUDED.updated_at`,
      [c.consentId, c.clientId, c.agencyId ?? null, c.domain ?? null, c.purpose, event.occurredAt],
    );
    await this.withdrawWhatConsentNoLongerCovers(c.clientId, event.eventId, tx);
  }

  private async withdrawWhatConsentNoLongerCovers(clientId: string, causationId: string, tx: EntityManager): Promise<void> {
    const open: { id: string; from_agency_id: string; to_agency_id: string; domain: DomainOfSupport }[] = await tx.query(
      'SELECT id, from_agency_id, to_agency_id, domain FROM referral WHERE client_id = $1 AND status = ANY($2)',
      [clientId, OPEN_REFERRAL_STATUSES],
    );
    for (const row of open) {
      await this.runner.run(
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
    await this.runner.run(
      { clientId, command: 'release-claim', actor: null, agencyId: null, causationId, agencyIds: holders.map((h) => h.agency_id) },
      ({ agreement, state, directory }) => decideClaimsAfterWithdrawal(agreement, state, directory),
      tx,
    );
  }
}
