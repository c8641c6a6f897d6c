import { Body, Controller, Headers, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, Principal, Roles } from '@umbrella/platform';
import { ClientSummaryView, toClientSummary } from '../../client.view';
import { correlationOf, ParseClientIdPipe } from '../../validation';
import { EraseClientHandler } from './erase-client.handler';
import { EraseClientRequestDto } from './erase-client.request.dto';

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class EraseClientHttpController {
  constructor(private readonly handler: EraseClientHandler) {}

  @Post(':clientId/erasure')
  @Roles('caseworker', 'coordinator')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Erase the client's personal data on their request (lead agency or coordinator); their pseudonymous history stays for reporting",
  })
  @ApiOkResponse({ type: ClientSummaryView })
  async erase(
    @Param('clientId', ParseClientIdPipe) clientId: string,
    @Body() body: EraseClientRequestDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('x-correlation-id') correlationId?: string,
  ): Promise<ClientSummaryView> {
    const { client } = await this.handler.execute({ clientId, request: body, principal, actor: actorOf(principal), correlationId: correlationOf(correlationId) });
    return toClientSummary(client);
  }
}
