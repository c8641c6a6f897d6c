import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ConsentPurpose, DomainOfSupport } from '@umbrella/contracts';
import { AuditedRead, CurrentPrincipal, Database, Principal, Roles } from '@umbrella/platform';
import { ClientAccess } from '../../access/client.access-policy';
import { coveringConsents } from '../../domain/consent';
import { ParseClientIdPipe } from '../../validation';
import { ConsentCoverageQueryDto } from './check-consent-coverage.query.dto';

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
