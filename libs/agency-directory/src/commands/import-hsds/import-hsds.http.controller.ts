import { Body, Controller, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { DOMAINS_OF_SUPPORT, DomainOfSupport, STAKEHOLDER_TYPES, StakeholderType } from '@umbrella/contracts';
import { actorOf, CurrentPrincipal, Principal, Roles } from '@umbrella/platform';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { ImportHsdsHandler, ImportReport } from './import-hsds.handler';

export class ImportHsdsQueryDto {
  @ApiPropertyOptional({ description: 'Region of organizations that do not name one' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  region: string;

  @ApiPropertyOptional({ enum: STAKEHOLDER_TYPES, default: 'ngo' })
  @IsOptional()
  @IsIn(STAKEHOLDER_TYPES)
  stakeholderType?: StakeholderType;

  @ApiPropertyOptional({ enum: DOMAINS_OF_SUPPORT, default: 'employment-case-management' })
  @IsOptional()
  @IsIn(DOMAINS_OF_SUPPORT)
  domain?: DomainOfSupport;
}

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
