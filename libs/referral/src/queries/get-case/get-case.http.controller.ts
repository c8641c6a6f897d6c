import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditedRead, CurrentPrincipal, Principal, Roles } from '@umbrella/platform';
import { CaseView } from '../../case.view';
import { ClientParam } from '../../params';
import { GetCaseHandler } from './get-case.handler';

// The operation id is the one the OpenAPI document has always published (clients are generated from it).
@ApiTags('claims')
@ApiBearerAuth()
@Roles('caseworker')
@Controller('clients/:clientId')
export class GetCaseHttpController {
  constructor(private readonly handler: GetCaseHandler) {}

  @Get('case')
  @AuditedRead()
  @ApiOperation({ operationId: 'ClaimsHttpController_case', summary: "Who leads the client's case and which agencies hold claims (agencies involved with the client)" })
  async case(@Param() { clientId }: ClientParam, @CurrentPrincipal() principal: Principal): Promise<CaseView> {
    return this.handler.caseFor(principal, clientId);
  }
}
