import { Body, Controller, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, Principal, PublishedOperation, Roles } from '@umbrella/platform';
import { DirectoryAccess } from '../../access/directory.access-policy';
import { ServiceIdParam } from '../../params';
import { ServiceRequestDto } from '../../service.request.dto';
import { ServiceView, toServiceView } from '../../service.view';
import { UpdateServiceHandler } from './update-service.handler';

@ApiTags('services')
@ApiBearerAuth()
@Controller()
export class UpdateServiceHttpController {
  constructor(private readonly handler: UpdateServiceHandler) {}

  @Put('services/:id')
  @Roles('agency-admin', 'coordinator')
  @PublishedOperation('OfferService.update', { summary: 'Replace a service’s description, eligibility, needs, areas, locations, contacts and capacity' })
  @ApiOkResponse({ type: ServiceView })
  async update(@Param() { id }: ServiceIdParam, @Body() body: ServiceRequestDto, @CurrentPrincipal() principal: Principal): Promise<ServiceView> {
    return toServiceView(await this.handler.update(id, body, actorOf(principal), (agencyId) => DirectoryAccess.manageAgency(principal, agencyId)));
  }
}
