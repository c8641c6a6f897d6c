import { Body, Controller, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, Principal, Roles } from '@umbrella/platform';
import { DirectoryAccess } from '../../access/directory.access-policy';
import { AgencyView, toAgencyView } from '../../agency.view';
import { AgencyIdParam } from '../../params';
import { UpdateAgencyHandler } from './update-agency.handler';
import { AgencyProfileDto } from './update-agency.request.dto';

@ApiTags('agencies')
@ApiBearerAuth()
@Controller('agencies')
export class UpdateAgencyHttpController {
  constructor(private readonly handler: UpdateAgencyHandler) {}

  @Put(':agencyId')
  @Roles('agency-admin', 'coordinator')
  @ApiOperation({ summary: "Update an agency's profile" })
  @ApiOkResponse({ type: AgencyView })
  async update(@Param() { agencyId }: AgencyIdParam, @Body() body: AgencyProfileDto, @CurrentPrincipal() principal: Principal): Promise<AgencyView> {
    DirectoryAccess.manageAgency(principal, agencyId);
    return toAgencyView(await this.handler.execute(agencyId, body, actorOf(principal)));
  }
}
