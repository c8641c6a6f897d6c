import { Controller, Delete, HttpCode, HttpStatus, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, Principal, PublishedOperation, Roles } from '@umbrella/platform';
import { DirectoryAccess } from '../../access/directory.access-policy';
import { ServiceIdParam } from '../../params';
import { WithdrawServiceHandler } from './withdraw-service.handler';

@ApiTags('services')
@ApiBearerAuth()
@Roles('agency-admin', 'coordinator')
@Controller('services/:id')
export class WithdrawServiceHttpController {
  constructor(private readonly handler: WithdrawServiceHandler) {}

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @PublishedOperation('ServiceLifecycle.withdraw', { summary: 'Withdraw a service (its status becomes defunct; it stays on record)' })
  @ApiNoContentResponse()
  async withdraw(@Param() { id }: ServiceIdParam, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.handler.withdraw(id, actorOf(principal), (agencyId) => DirectoryAccess.manageAgency(principal, agencyId));
  }
}
