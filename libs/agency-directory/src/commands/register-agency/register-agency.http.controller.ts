import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, Principal, Roles } from '@umbrella/platform';
import { DirectoryAccess } from '../../access/directory.access-policy';
import { AgencyView, toAgencyView } from '../../agency.view';
import { RegisterAgencyHandler } from './register-agency.handler';
import { RegisterAgencyRequestDto } from './register-agency.request.dto';

@ApiTags('agencies')
@ApiBearerAuth()
@Controller('agencies')
export class RegisterAgencyHttpController {
  constructor(private readonly handler: RegisterAgencyHandler) {}

  @Post()
  @Roles('coordinator', 'agency-admin')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Register an agency in the partnership directory' })
  @ApiCreatedResponse({ type: AgencyView })
  async register(@Body() body: RegisterAgencyRequestDto, @CurrentPrincipal() principal: Principal): Promise<AgencyView> {
    DirectoryAccess.manageAgency(principal, body.id);
    return toAgencyView(await this.handler.execute(body, actorOf(principal)));
  }
}
