import { Body, Controller, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, Principal, Roles } from '@umbrella/platform';
import { DirectoryAccess } from '../../access/directory.access-policy';
import { ServiceIdParam } from '../../params';
import { ServiceRequestDto } from '../../service.request.dto';
import { ServiceView, toServiceView } from '../../service.view';
import { UpdateServiceHandler } from './update-service.handler';

// The operation id is the one the OpenAPI document has always published (clients are generated from it).
@ApiTags('services')
@ApiBearerAuth()
@Controller()
export class UpdateServiceHttpController {
  constructor(private readonly handler: UpdateServiceHandler) {}

  @Put('services/:id')
  @Roles('agency-admin', 'coordinator')
  @ApiOperation({ operationId: 'OfferServiceHttpController_update', summary: 'Replace a service’s description, eligibility, needs, areas, locations, contacts and capacity' })
  @ApiOkResponse({ type: ServiceView })
  async update(@Param() { id }: ServiceIdParam, @Body() body: ServiceRequestDto, @CurrentPrincipal() principal: Principal): Promise<ServiceView> {
    return toServiceView(await this.handler.update(id, body, actorOf(principal), (agencyId) => DirectoryAccess.manageAgency(principal, agencyId)));
  }
}
