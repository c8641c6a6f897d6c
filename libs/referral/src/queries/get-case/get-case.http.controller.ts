import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditedRead, CurrentPrincipal, Principal, PublishedOperation, Roles } from '@umbrella/platform';
import { CaseView } from '../../case.view';
import { ClientParam } from '../../params';
import { GetCaseHandler } from './get-case.handler';

@ApiTags('claims')
@ApiBearerAuth()
@Roles('caseworker')
@Controller('clients/:clientId')
export class GetCaseHttpController {
  constructor(private readonly handler: GetCaseHandler) {}

  @Get('case')
  @AuditedRead()
  @PublishedOperation('Claims.case', { summary: "Who leads the client's case and which agencies hold claims (agencies involved with the client)" })
  async case(@Param() { clientId }: ClientParam, @CurrentPrincipal() principal: Principal): Promise<CaseView> {
    return this.handler.caseFor(principal, clientId);
  }
}
