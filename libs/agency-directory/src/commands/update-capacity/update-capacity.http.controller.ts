import { Body, Controller, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ServiceCapacityChangedV1 } from '@umbrella/contracts';
import { actorOf, CurrentPrincipal, Principal, PublishedOperation, Roles } from '@umbrella/platform';
import { DirectoryAccess } from '../../access/directory.access-policy';
import { ServiceIdParam } from '../../params';
import { CapacityDto } from '../../service.request.dto';
import { UpdateCapacityHandler } from './update-capacity.handler';

@ApiTags('services')
@ApiBearerAuth()
@Roles('agency-admin', 'coordinator')
@Controller('services/:id')
export class UpdateCapacityHttpController {
  constructor(private readonly handler: UpdateCapacityHandler) {}

  @Put('capacity')
  @PublishedOperation('ServiceLifecycle.capacity', { summary: 'Update the places available now (and optionally the maximum and waitlist): the daily call' })
  @ApiOkResponse({ type: ServiceCapacityChangedV1 })
  async capacity(@Param() { id }: ServiceIdParam, @Body() body: CapacityDto, @CurrentPrincipal() principal: Principal): Promise<ServiceCapacityChangedV1> {
    return this.handler.updateCapacity(id, body, actorOf(principal), (agencyId) => DirectoryAccess.manageAgency(principal, agencyId));
  }
}
