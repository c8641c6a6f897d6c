import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { PublishedOperation, ROLES, Roles } from '@umbrella/platform';
import { AgreementStore, AgreementVersionView } from '../../agreement/agreement.store';

@ApiTags('agreement')
@ApiBearerAuth()
@Controller()
export class GetAgreementsHttpController {
  constructor(private readonly agreements: AgreementStore) {}

  @Get('agreements')
  @Roles(...ROLES)
  @PublishedOperation('Agreement.list', { summary: 'Every published version of the umbrella agreement, newest first' })
  list(): Promise<AgreementVersionView[]> {
    return this.agreements.list();
  }

  @Get('agreements/active')
  @Roles(...ROLES)
  @PublishedOperation('Agreement.active', { summary: 'The version of the agreement in force' })
  async active(): Promise<AgreementVersionView> {
    const a = await this.agreements.active();
    return this.agreements.get(a.version);
  }

  @Get('agreements/:version')
  @Roles(...ROLES)
  @PublishedOperation('Agreement.get', { summary: 'One version of the agreement' })
  get(@Param('version') version: string): Promise<AgreementVersionView> {
    return this.agreements.get(version.slice(0, 20));
  }
}
