import { Injectable, Logger } from '@nestjs/common';
import { decideStep } from '@umbrella/agreement';
import { Database } from '@umbrella/platform';
import { referralOrGone } from '../../engine/decision-context';
import { DecisionRunner } from '../../engine/decision-runner';

const SWEEP_LOCK = 7_211_020;

/**
 * UA-8: expires referrals nobody answered in time. Safe with several instances: one sweep runs at
 * a time (an advisory lock), and each expiry is an ordinary engine decision under the client's lock.
 */
@Injectable()
export class ExpireReferralsHandler {
  private readonly logger = new Logger('Expiry');

  constructor(
    private readonly database: Database,
    private readonly runner: DecisionRunner,
  ) {}

  /** Expires every referral past its deadline; returns how many. */
  async sweep(): Promise<number> {
    const runner = this.database.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [SWEEP_LOCK]);
      if (!locked) return 0;
      try {
        const due: { id: string; client_id: string; from_agency_id: string; to_agency_id: string; domain: string }[] = await runner.query(
          `SELECT id, client_id, from_agency_id, to_agency_id, domain FROM referral WHERE status = 'requested' AND respond_by < now() ORDER BY respond_by LIMIT 500`,
        );
        let expired = 0;
        for (const r of due) {
          const decision = await this.runner.run(
            { clientId: r.client_id, command: 'expire', actor: null, agencyId: null, referralId: r.id, domain: r.domain as never, agencyIds: [r.from_agency_id, r.to_agency_id] },
            ({ agreement, state, directory, now, referral }) => decideStep(agreement, state, directory, { referral: referralOrGone(referral), action: 'expire', byAgencyId: null, reason: null }, now),
          );
          if (decision?.outcome === 'allowed') expired += 1;
        }
        if (expired > 0) this.logger.log(`expired ${expired} referrals not answered in time (UA-8)`);
        return expired;
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [SWEEP_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }
}
