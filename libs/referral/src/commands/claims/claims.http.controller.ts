import { Controller, Delete, Get, HttpCode, HttpStatus, Injectable, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { decideClaim, decideRelease } from '@umbrella/agreement';
import { DOMAINS_OF_SUPPORT, DomainOfSupport, PSEUDONYMOUS_ID } from '@umbrella/contracts';
import { actorOf, AuditedRead, CurrentPrincipal, Database, Principal, Roles } from '@umbrella/platform';
import { IsIn, Matches } from 'class-validator';
import { EntityManager } from 'typeorm';
import { ReferralAccess } from '../../access/referral.access-policy';
import { AgreementStore } from '../../agreement/agreement.store';
import { loadDecisionInputs } from '../../engine/client-state';
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
    private readonly agreements: AgreementStore,
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

  /** Who leads the case and who holds claims: for agencies the access model lets see the client. */
  async caseFor(principal: Principal, clientId: string): Promise<CaseView> {
    return this.database.dataSource.transaction('REPEATABLE READ', async (tx) => {
      const agreement = await this.agreements.active();
      const { state } = await loadDecisionInputs(tx, clientId, [], agreement, new Date());
      ReferralAccess.onClient(principal.agencyId, state, 'see');
      return this.caseOf(clientId, tx);
    });
  }

  async claim(principal: Principal, clientId: string, domain: DomainOfSupport): Promise<CaseView> {
    const agencyId = principal.agencyId as string;
    return this.runner.command(
      { clientId, command: 'claim', actor: actorOf(principal), agencyId, domain, agencyIds: [agencyId] },
      ({ agreement, state, directory }) => {
        ReferralAccess.onClient(agencyId, state, 'decide');
        return decideClaim(agreement, state, directory, agencyId, domain);
      },
      (tx) => this.caseOf(clientId, tx),
    );
  }

  async release(principal: Principal, clientId: string, domain: DomainOfSupport): Promise<void> {
    const agencyId = principal.agencyId as string;
    await this.runner.command(
      { clientId, command: 'release-claim', actor: actorOf(principal), agencyId, domain, agencyIds: [agencyId] },
      ({ agreement, state }) => {
        ReferralAccess.onClient(agencyId, state, 'decide');
        return decideRelease(agreement, state, agencyId, domain);
      },
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
    return this.handler.caseFor(principal, clientId);
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
