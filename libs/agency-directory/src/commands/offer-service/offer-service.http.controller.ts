import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, Principal, Roles } from '@umbrella/platform';
import { DirectoryAccess } from '../../access/directory.access-policy';
import { AgencyIdParam } from '../../params';
import { ServiceRequestDto } from '../../service.request.dto';
import { ServiceView, toServiceView } from '../../service.view';
import { OfferServiceHandler } from './offer-service.handler';

@ApiTags('services')
@ApiBearerAuth()
@Controller()
export class OfferServiceHttpController {
  constructor(private readonly handler: OfferServiceHandler) {}

  @Post('agencies/:agencyId/services')
  @Roles('agency-admin', 'coordinator')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: "Offer a service of the agency: needs, eligibility, areas, locations, contacts and capacity" })
  @ApiCreatedResponse({ type: ServiceView })
  async offer(@Param() { agencyId }: AgencyIdParam, @Body() body: ServiceRequestDto, @CurrentPrincipal() principal: Principal): Promise<ServiceView> {
    DirectoryAccess.manageAgency(principal, agencyId);
    return toServiceView(await this.handler.offer(agencyId, body, actorOf(principal)));
  }
}
