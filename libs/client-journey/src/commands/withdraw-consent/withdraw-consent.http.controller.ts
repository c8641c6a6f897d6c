import { Body, Controller, Headers, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, ParseUuidPipe, Principal, Roles } from '@umbrella/platform';
import { ClientAccess } from '../../access/client.access-policy';
import { ConsentView, toConsentView } from '../../client.view';
import { correlationOf, ParseClientIdPipe } from '../../validation';
import { WithdrawConsentHandler } from './withdraw-consent.handler';
import { WithdrawConsentRequestDto } from './withdraw-consent.request.dto';

@ApiTags('consent')
@ApiBearerAuth()
@Controller('clients')
export class WithdrawConsentHttpController {
  constructor(private readonly handler: WithdrawConsentHandler) {}

  @Post(':clientId/consents/:consentId/withdrawal')
  @Roles('caseworker')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Record that the client withdrew a consent; it stops covering its agency or domain at once (idempotent)' })
  @ApiOkResponse({ type: ConsentView })
  async withdraw(
    @Param('clientId', ParseClientIdPipe) clientId: string,
    @Param('consentId', new ParseUuidPipe('consentId')) consentId: string,
    @Body() body: WithdrawConsentRequestDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('x-correlation-id') correlationId?: string,
  ): Promise<ConsentView> {
    const agencyId = ClientAccess.actingAgency(principal);
    const { consent } = await this.handler.execute({ clientId, consentId, request: body, principal, agencyId, actor: actorOf(principal), correlationId: correlationOf(correlationId) });
    return toConsentView(consent);
  }
}
