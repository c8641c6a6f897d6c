import { Controller, Delete, HttpCode, HttpStatus, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, Principal, Roles } from '@umbrella/platform';
import { DirectoryAccess } from '../../access/directory.access-policy';
import { ServiceIdParam } from '../../params';
import { WithdrawServiceHandler } from './withdraw-service.handler';

// The operation id is the one the OpenAPI document has always published (clients are generated from it).
@ApiTags('services')
@ApiBearerAuth()
@Roles('agency-admin', 'coordinator')
@Controller('services/:id')
export class WithdrawServiceHttpController {
  constructor(private readonly handler: WithdrawServiceHandler) {}

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ operationId: 'ServiceLifecycleHttpController_withdraw', summary: 'Withdraw a service (its status becomes defunct; it stays on record)' })
  @ApiNoContentResponse()
  async withdraw(@Param() { id }: ServiceIdParam, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.handler.withdraw(id, actorOf(principal), (agencyId) => DirectoryAccess.manageAgency(principal, agencyId));
  }
}
