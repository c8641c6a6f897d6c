import { Controller, Delete, Get, HttpCode, HttpStatus, Injectable, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { decideClaim, decideRelease } from '@umbrella/agreement';
import { DOMAINS_OF_SUPPORT, DomainOfSupport, PSEUDONYMOUS_ID } from '@umbrella/contracts';
import { AccessDenied, actorOf, AuditedRead, CurrentPrincipal, Database, Principal, Roles } from '@umbrella/platform';
import { IsIn, Matches } from 'class-validator';
import { EntityManager } from 'typeorm';
import { DecisionRunner } from '../../engine/decision-runner';

export class ClientParam {
  @Matches(PSEUDONYMOUS_ID, { message: 'clientId must be a pseudonymous id' })
  clientId: string;
}

export class ClaimParams extends ClientParam {
  @IsIn(DOMAINS_OF_SUPPORT)
  domain: DomainOfSupport;
}

export class CaseView {
  @ApiProperty() clientId: string;
  @ApiProperty({ nullable: true, type: String }) leadAgencyId: string | null;
  @ApiProperty({ nullable: true, type: String }) leadSince: string | null;
  @ApiProperty({ type: [Object] }) claims: { agencyId: string; domain: string; exclusive: boolean; since: string; referralId: string | null }[];
}

@Injectable()
export class ClaimsHandler {
  constructor(
    private readonly database: Database,
    private readonly runner: DecisionRunner,
  ) {}

  /** `db` is a command's transaction when the case is the answer to what it just changed. */
  async caseOf(clientId: string, db: EntityManager = this.database.dataSource.manager): Promise<CaseView> {
    const [lead] = await db.query('SELECT agency_id, since FROM client_lead WHERE client_id = $1', [clientId]);
    const claims = await db.query('SELECT agency_id, domain, exclusive, granted_at, referral_id FROM claim WHERE client_id = $1 AND released_at IS NULL ORDER BY granted_at', [clientId]);
    return {
      clientId,
      leadAgencyId: lead?.agency_id ?? null,
      leadSince: lead ? (lead.since as Date).toISOString() : null,
      claims: claims.map((c: Record<string, unknown>) => ({
        agencyId: c.agency_id as string,
        domain: c.domain as string,
        exclusive: c.exclusive as boolean,
        since: (c.granted_at as Date).toISOString(),
        referralId: c.referral_id as string | null,
      })),
    };
  }

  /** An agency with a claim, an open referral or the lead may see who holds the client's case. */
  async assertInvolved(principal: Principal, clientId: string): Promise<void> {
    const rows: unknown[] = await this.database.dataSource.query(
      `SELECT 1 FROM claim WHERE client_id = $1 AND agency_id = $2 AND released_at IS NULL
       UNION ALL SELECT 1 FROM client_lead WHERE client_id = $1 AND agency_id = $2
       UNION ALL SELECT 1 FROM referral WHERE client_id = $1 AND (from_agency_id = $2 OR to_agency_id = $2) AND status IN ('requested', 'accepted', 'in-progress', 'on-hold')
       UNION ALL SELECT 1 FROM client_consent WHERE client_id = $1 AND agency_id = $2 AND active
       LIMIT 1`,
      [clientId, principal.agencyId],
    );
    if (rows.length === 0) throw new AccessDenied('ACCESS.CLIENT_NOT_VISIBLE', 'Your agency may not see this client.');
  }

  async claim(principal: Principal, clientId: string, domain: DomainOfSupport): Promise<CaseView> {
    const agencyId = principal.agencyId as string;
    return this.runner.command(
      { clientId, command: 'claim', actor: actorOf(principal), agencyId, domain, agencyIds: [agencyId] },
      (agreement, state, directory) => decideClaim(agreement, state, directory, agencyId, domain),
      (tx) => this.caseOf(clientId, tx),
    );
  }

  async release(principal: Principal, clientId: string, domain: DomainOfSupport): Promise<void> {
    const agencyId = principal.agencyId as string;
    await this.runner.command(
      { clientId, command: 'release-claim', actor: actorOf(principal), agencyId, domain, agencyIds: [agencyId] },
      (agreement, state) => decideRelease(agreement, state, agencyId, domain),
      async () => undefined,
    );
  }
}

@ApiTags('claims')
@ApiBearerAuth()
@Roles('caseworker')
@Controller('clients/:clientId')
export class ClaimsHttpController {
  constructor(private readonly handler: ClaimsHandler) {}

  @Get('case')
  @AuditedRead()
  @ApiOperation({ summary: "Who leads the client's case and which agencies hold claims (agencies involved with the client)" })
  async case(@Param() { clientId }: ClientParam, @CurrentPrincipal() principal: Principal): Promise<CaseView> {
    await this.handler.assertInvolved(principal, clientId);
    return this.handler.caseOf(clientId);
  }

  @Post('claims/:domain')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Take on the client in a domain without a referral (a walk-in): UA-1, UA-2 and UA-4 apply' })
  async claim(@Param() { clientId, domain }: ClaimParams, @CurrentPrincipal() principal: Principal): Promise<CaseView> {
    return this.handler.claim(principal, clientId, domain);
  }

  @Delete('claims/:domain')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Release your agency's claim on the client in a domain (UA-9: only the holder can)" })
  async release(@Param() { clientId, domain }: ClaimParams, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.handler.release(principal, clientId, domain);
  }
}
