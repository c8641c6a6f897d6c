import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ROLES, Roles } from '@umbrella/platform';
import { AgreementStore, AgreementVersionView } from '../../agreement/agreement.store';

// The operation ids are the ones the OpenAPI document has always published (clients are generated from it).
@ApiTags('agreement')
@ApiBearerAuth()
@Controller()
export class GetAgreementsHttpController {
  constructor(private readonly agreements: AgreementStore) {}

  @Get('agreements')
  @Roles(...ROLES)
  @ApiOperation({ operationId: 'AgreementHttpController_list', summary: 'Every published version of the umbrella agreement, newest first' })
  list(): Promise<AgreementVersionView[]> {
    return this.agreements.list();
  }

  @Get('agreements/active')
  @Roles(...ROLES)
  @ApiOperation({ operationId: 'AgreementHttpController_active', summary: 'The version of the agreement in force' })
  async active(): Promise<AgreementVersionView> {
    const a = await this.agreements.active();
    return this.agreements.get(a.version);
  }

  @Get('agreements/:version')
  @Roles(...ROLES)
  @ApiOperation({ operationId: 'AgreementHttpController_get', summary: 'One version of the agreement' })
  get(@Param('version') version: string): Promise<AgreementVersionView> {
    return this.agreements.get(version.slice(0, 20));
  }
}
