import { Body, Controller, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, Principal, Roles } from '@umbrella/platform';
import { ImportHsdsHandler, ImportReport } from './import-hsds.handler';
import { ImportHsdsQueryDto } from './import-hsds.query.dto';

@ApiTags('HSDS')
@ApiBearerAuth()
@Controller('hsds')
export class ImportHsdsHttpController {
  constructor(private readonly handler: ImportHsdsHandler) {}

  @Post('import')
  @Roles('coordinator')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Load a directory published in HSDS 3 JSON; every rejected record is reported with its reasons (coordinators)' })
  @ApiBody({ description: 'An HSDS page ({ contents }), an array of organizations and/or services, or { organizations, services }' })
  async import(@Query() q: ImportHsdsQueryDto, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<ImportReport> {
    return this.handler.execute(body, { region: q.region, stakeholderType: q.stakeholderType ?? 'ngo', domain: q.domain ?? 'employment-case-management' }, actorOf(principal));
  }
}
