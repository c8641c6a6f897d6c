import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditedRead, AuditEntry, AuditEntryView, AuditTrail, CurrentPrincipal, Database, Principal, Roles } from '@umbrella/platform';
import { ClientAccess } from '../../access/client.access-policy';
import { ParseClientIdPipe } from '../../validation';
import { ClientAuditQueryDto } from './get-client-audit.query.dto';

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class GetClientAuditHttpController {
  constructor(
    private readonly database: Database,
    private readonly audit: AuditTrail,
  ) {}

  @Get(':clientId/audit')
  @Roles('caseworker')
  @AuditedRead()
  @ApiOperation({
    summary: "Who read or acted on the client's record here, when, and whether it was allowed (caseworkers of the lead agency), newest first",
    description:
      "Every read of the record, journey, notes and consent coverage, every command, allowed or refused, and every registration refused because it matched this client. Anyone but the lead agency's caseworkers gets the refusal a client that does not exist gets.",
  })
  @ApiOkResponse({ type: [AuditEntryView] })
  async trail(@Param('clientId', ParseClientIdPipe) clientId: string, @Query() query: ClientAuditQueryDto, @CurrentPrincipal() principal: Principal): Promise<AuditEntry[]> {
    ClientAccess.readAudit(await ClientAccess.involvement(principal, clientId, this.database.dataSource.manager));
    return this.audit.list({ recordId: clientId, limit: query.limit });
  }
}
