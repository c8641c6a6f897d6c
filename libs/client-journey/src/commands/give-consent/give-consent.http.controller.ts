import { Body, Controller, Headers, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, Principal, Roles } from '@umbrella/platform';
import type { Response } from 'express';
import { ClientAccess } from '../../access/client.access-policy';
import { ConsentView, toConsentView } from '../../client.view';
import { correlationOf, ParseClientIdPipe } from '../../validation';
import { GiveConsentHandler } from './give-consent.handler';
import { GiveConsentRequestDto } from './give-consent.request.dto';

@ApiTags('consent')
@ApiBearerAuth()
@Controller('clients')
export class GiveConsentHttpController {
  constructor(private readonly handler: GiveConsentHandler) {}

  @Post(':clientId/consents')
  @Roles('caseworker')
  @ApiOperation({ summary: "Record the client's consent to share with an agency or a domain, for a purpose (your agency must see the client)" })
  @ApiCreatedResponse({ type: ConsentView, description: 'recorded' })
  @ApiOkResponse({ type: ConsentView, description: 'the same consent was already active: nothing changed' })
  async give(
    @Param('clientId', ParseClientIdPipe) clientId: string,
    @Body() body: GiveConsentRequestDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
    @Headers('x-correlation-id') correlationId?: string,
  ): Promise<ConsentView> {
    const agencyId = ClientAccess.actingAgency(principal);
    const { consent, created } = await this.handler.execute({ clientId, request: body, principal, agencyId, actor: actorOf(principal), correlationId: correlationOf(correlationId) });
    res.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return toConsentView(consent);
  }
}
