import { Body, Controller, Headers, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, correlationIdOf, CurrentPrincipal, Principal, Roles } from '@umbrella/platform';
import { ReferralAccess } from '../../access/referral.access-policy';
import { ReferralView, toView } from '../../referral.view';
import { RequestReferralHandler } from './request-referral.handler';
import { RequestReferralRequestDto } from './request-referral.request.dto';

@ApiTags('referrals')
@ApiBearerAuth()
@Controller('referrals')
export class RequestReferralHttpController {
  constructor(private readonly handler: RequestReferralHandler) {}

  @Post()
  @Roles('caseworker')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Refer a client to another agency in one domain of support' })
  @ApiCreatedResponse({ type: ReferralView })
  async request(
    @Body() body: RequestReferralRequestDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('x-correlation-id') correlationId?: string,
  ): Promise<ReferralView> {
    ReferralAccess.request(principal, body.fromAgencyId);
    return toView(await this.handler.execute({ ...body, correlationId: correlationIdOf(correlationId), actor: actorOf(principal) }));
  }
}
