import { Body, Controller, Headers, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, Principal, Roles } from '@umbrella/platform';
import { ClientSummaryView, toClientSummary } from '../../client.view';
import { correlationOf, ParseClientIdPipe } from '../../validation';
import { AssignKeyWorkerHandler } from './assign-key-worker.handler';
import { AssignKeyWorkerRequestDto } from './assign-key-worker.request.dto';

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class AssignKeyWorkerHttpController {
  constructor(private readonly handler: AssignKeyWorkerHandler) {}

  @Put(':clientId/key-worker')
  @Roles('caseworker')
  @ApiOperation({ summary: "Name the client's key worker, or hand the lead to another agency that sees the client (lead agency only)" })
  @ApiOkResponse({ type: ClientSummaryView })
  async assign(
    @Param('clientId', ParseClientIdPipe) clientId: string,
    @Body() body: AssignKeyWorkerRequestDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('x-correlation-id') correlationId?: string,
  ): Promise<ClientSummaryView> {
    const { client } = await this.handler.execute({ clientId, request: body, principal, actor: actorOf(principal), correlationId: correlationOf(correlationId) });
    return toClientSummary(client);
  }
}
