import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { PSEUDONYMOUS_ID } from '@umbrella/contracts';
import { actorOf, CurrentPrincipal, Database, LimitQueryDto, Principal, ROLES, Roles } from '@umbrella/platform';
import { IsDefined, IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { AgreementStore, AgreementVersionView } from '../../agreement/agreement.store';

export class DecisionQueryDto extends LimitQueryDto {
  @ApiPropertyOptional({ example: 'UA-4' }) @IsOptional() @Matches(/^(UA-(10|[1-9])|[A-Z]+\.[A-Z_]+)$/, { message: 'code must be a rule id such as UA-4 or an error code' }) code?: string;
  @ApiPropertyOptional({ enum: ['allowed', 'refused'] }) @IsOptional() @IsIn(['allowed', 'refused']) outcome?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(PSEUDONYMOUS_ID, { message: 'clientId must be a pseudonymous id' }) clientId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) agencyId?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true }) from?: string;
}

export class PublishAgreementRequestDto {
  @ApiProperty({ description: 'The agreement document: YAML or JSON text, or a JSON object' })
  @IsDefined()
  document: unknown;
}

@ApiTags('agreement')
@ApiBearerAuth()
@Controller()
export class AgreementHttpController {
  constructor(
    private readonly database: Database,
    private readonly agreements: AgreementStore,
  ) {}

  @Get('decisions')
  @Roles('coordinator')
  @ApiOperation({ summary: 'Decisions taken under the agreement, newest first: grants and refusals with rule and version (coordinators)' })
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
  @ApiOperation({ summary: 'How many actions each rule refused, and how many were allowed (coordinators)' })
  async summary() {
    const rows: { code: string | null; outcome: string; n: number }[] = await this.database.dataSource.query(
      'SELECT code, outcome, count(*)::int AS n FROM decision GROUP BY code, outcome ORDER BY code NULLS FIRST',
    );
    return rows.map((r) => ({ code: r.code, outcome: r.outcome, count: r.n }));
  }

  @Get('agreements')
  @Roles(...ROLES)
  @ApiOperation({ summary: 'Every published version of the umbrella agreement, newest first' })
  list(): Promise<AgreementVersionView[]> {
    return this.agreements.list();
  }

  @Get('agreements/active')
  @Roles(...ROLES)
  @ApiOperation({ summary: 'The version of the agreement in force' })
  async active(): Promise<AgreementVersionView> {
    const a = await this.agreements.active();
    return this.agreements.get(a.version);
  }

  @Get('agreements/:version')
  @Roles(...ROLES)
  @ApiOperation({ summary: 'One version of the agreement' })
  get(@Param('version') version: string): Promise<AgreementVersionView> {
    return this.agreements.get(version.slice(0, 20));
  }

  @Post('agreements')
  @Roles('coordinator')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Publish a new version of the agreement; it is in force at once, and agencies must sign it (UA-1). An invalid document is refused with every problem listed.' })
  publish(@Body() body: PublishAgreementRequestDto, @CurrentPrincipal() principal: Principal): Promise<AgreementVersionView> {
    return this.agreements.publish(body.document, actorOf(principal));
  }
}
