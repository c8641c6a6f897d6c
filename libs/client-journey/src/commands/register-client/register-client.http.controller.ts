import { Body, Controller, Headers, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, Principal, Roles } from '@umbrella/platform';
import { ClientAccess } from '../../access/client.access-policy';
import { ClientSummaryView, toClientSummary } from '../../client.view';
import { correlationOf } from '../../validation';
import { RegisterClientHandler } from './register-client.handler';
import { RegisterClientRequestDto } from './register-client.request.dto';

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class RegisterClientHttpController {
  constructor(private readonly handler: RegisterClientHandler) {}

  @Post()
  @Roles('caseworker')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Register a client with the minimum personal data; your agency becomes the lead and you the key worker',
    description: 'Returns the pseudonymous id every other service and event will know the client by. A person already registered gets 409 CLIENT.ALREADY_REGISTERED with the existing id.',
  })
  @ApiCreatedResponse({ type: ClientSummaryView })
  @ApiConflictResponse({ description: 'CLIENT.ALREADY_REGISTERED: { clientId, visibleToYourAgency }' })
  async register(
    @Body() body: RegisterClientRequestDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('x-correlation-id') correlationId?: string,
  ): Promise<ClientSummaryView> {
    const agencyId = ClientAccess.actingAgency(principal);
    const client = await this.handler.execute({ request: body, agencyId, actor: actorOf(principal), correlationId: correlationOf(correlationId) });
    return toClientSummary(client);
  }
}
