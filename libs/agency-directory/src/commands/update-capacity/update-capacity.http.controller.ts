import { Body, Controller, Delete, HttpCode, HttpStatus, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ServiceCapacityChangedV1 } from '@umbrella/contracts';
import { actorOf, CurrentPrincipal, Principal, Roles } from '@umbrella/platform';
import { DirectoryAccess } from '../../access/directory.access-policy';
import { ServiceIdParam } from '../../params';
import { CapacityDto } from '../offer-service/service.request.dto';
import { ServiceLifecycleHandler } from './update-capacity.handler';

@ApiTags('services')
@ApiBearerAuth()
@Roles('agency-admin', 'coordinator')
@Controller('services/:id')
export class ServiceLifecycleHttpController {
  constructor(private readonly handler: ServiceLifecycleHandler) {}

  @Put('capacity')
  @ApiOperation({ summary: 'Update the places available now (and optionally the maximum and waitlist): the daily call' })
  @ApiOkResponse({ type: ServiceCapacityChangedV1 })
  async capacity(@Param() { id }: ServiceIdParam, @Body() body: CapacityDto, @CurrentPrincipal() principal: Principal): Promise<ServiceCapacityChangedV1> {
    return this.handler.updateCapacity(id, body, actorOf(principal), (agencyId) => DirectoryAccess.manageAgency(principal, agencyId));
  }

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Withdraw a service (its status becomes defunct; it stays on record)' })
  @ApiNoContentResponse()
  async withdraw(@Param() { id }: ServiceIdParam, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.handler.withdraw(id, actorOf(principal), (agencyId) => DirectoryAccess.manageAgency(principal, agencyId));
  }
}
