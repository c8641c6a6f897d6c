import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Database, PublishedOperation, Roles } from '@umbrella/platform';
import { DecisionQueryDto } from './get-decisions.query.dto';

@ApiTags('agreement')
@ApiBearerAuth()
@Controller()
export class GetDecisionsHttpController {
  constructor(private readonly database: Database) {}

  @Get('decisions')
  @Roles('coordinator')
  @PublishedOperation('Agreement.decisions', { summary: 'Decisions taken under the agreement, newest first: grants and refusals with rule and version (coordinators)' })
  async decisions(@Query() q: DecisionQueryDto) {
    const rows: Record<string, unknown>[] = await this.database.dataSource.query(
      `SELECT * FROM decision
        WHERE ($1::text IS NULL OR code = $1) AND ($2::text IS NULL OR outcome = $2) AND ($3::text IS NULL OR client_id = $3)
          AND ($4::text IS NULL OR agency_id = $4) AND ($5::timestamptz IS NULL OR decided_at >= $5)
        ORDER BY decided_at DESC, id LIMIT $6`,
      [q.code ?? null, q.outcome ?? null, q.clientId ?? null, q.agencyId ?? null, q.from ?? null, q.limit ?? 100],
    );
    return rows.map((r) => ({
      id: r.id,
      decidedAt: (r.decided_at as Date).toISOString(),
      clientId: r.client_id,
      command: r.command,
      outcome: r.outcome,
      code: r.code,
      rulesChecked: r.rules_checked,
      reason: r.reason,
      agreementVersion: r.agreement_version,
      agencyId: r.agency_id,
      userId: r.user_id,
      referralId: r.referral_id,
      domain: r.domain,
    }));
  }

  @Get('decisions/summary')
  @Roles('coordinator')
  @PublishedOperation('Agreement.summary', { summary: 'How many actions each rule refused, and how many were allowed (coordinators)' })
  async summary() {
    const rows: { code: string | null; outcome: string; n: number }[] = await this.database.dataSource.query(
      'SELECT code, outcome, count(*)::int AS n FROM decision GROUP BY code, outcome ORDER BY code NULLS FIRST',
    );
    return rows.map((r) => ({ code: r.code, outcome: r.outcome, count: r.n }));
  }
}
