import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { AGENCY_ID, CONSENT_PURPOSES, ConsentPurpose, DOMAINS_OF_SUPPORT, DomainOfSupport } from '@umbrella/contracts';
import { AuditedRead, CurrentPrincipal, Database, Principal, Roles } from '@umbrella/platform';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { ClientAccess } from '../../access/client.access-policy';
import { coveringConsents } from '../../domain/consent';
import { ParseClientIdPipe } from '../../validation';

export class ConsentCoverageQueryDto {
  @ApiProperty({ example: 'harbour-skills-college' })
  @Matches(AGENCY_ID, { message: 'agencyId must be an agency id (lowercase letters, digits, dashes)' })
  agencyId: string;

  @ApiPropertyOptional({ enum: DOMAINS_OF_SUPPORT })
  @IsOptional()
  @IsIn(DOMAINS_OF_SUPPORT)
  domain?: DomainOfSupport;

  @ApiPropertyOptional({ enum: CONSENT_PURPOSES })
  @IsOptional()
  @IsIn(CONSENT_PURPOSES)
  purpose?: ConsentPurpose;
}

export class ConsentCoverageView {
  @ApiProperty() covered: boolean;
  @ApiProperty({ type: [String], description: 'the active consents that cover it' }) consentIds: string[];
}

@ApiTags('consent')
@ApiBearerAuth()
@Controller('clients')
export class CheckConsentCoverageHttpController {
  constructor(private readonly database: Database) {}

  @Get(':clientId/consent-coverage')
  @Roles('caseworker')
  @AuditedRead()
  @ApiOperation({ summary: "Whether the client's active consent covers sharing with an agency (in a domain, for a purpose): UA-2 before you refer" })
  @ApiOkResponse({ type: ConsentCoverageView })
  async check(
    @Param('clientId', ParseClientIdPipe) clientId: string,
    @Query() query: ConsentCoverageQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ConsentCoverageView> {
    const db = this.database.dataSource.manager;
    await ClientAccess.assertMay(principal, clientId, db, 'see');
    const active: { consent_id: string; agency_id: string | null; domain: DomainOfSupport | null; purpose: ConsentPurpose }[] = await db.query(
      'SELECT consent_id, agency_id, domain, purpose FROM consent WHERE client_id = $1 AND withdrawn_at IS NULL',
      [clientId],
    );
    const covering = coveringConsents(
      active.map((c) => ({ consentId: c.consent_id, agencyId: c.agency_id, domain: c.domain, purpose: c.purpose })),
      { agencyId: query.agencyId, domain: query.domain, purpose: query.purpose },
    );
    return { covered: covering.length > 0, consentIds: covering.map((c) => c.consentId) };
  }
}
