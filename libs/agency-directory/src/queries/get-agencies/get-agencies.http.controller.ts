import { Controller, Get, HttpStatus, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AGENCY_ID } from '@umbrella/contracts';
import { CodedHttpException, Database, Roles } from '@umbrella/platform';
import { DirectoryAccess } from '../../access/directory.access-policy';
import { Agency } from '../../agency.entity';
import { AgencyView, toAgencyView } from '../../agency.view';
import { ListAgenciesQueryDto } from './get-agencies.query.dto';

@ApiTags('agencies')
@ApiBearerAuth()
@Roles(...DirectoryAccess.readers)
@Controller('agencies')
export class GetAgenciesHttpController {
  constructor(private readonly database: Database) {}

  @Get()
  @ApiOperation({ summary: 'List agencies, optionally in one region' })
  @ApiOkResponse({ type: [AgencyView] })
  async list(@Query() query: ListAgenciesQueryDto): Promise<AgencyView[]> {
    const rows = await this.database.dataSource.getRepository(Agency).find({
      where: query.region ? { region: query.region } : {},
      order: { name: 'ASC' },
    });
    return rows.map(toAgencyView);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One agency' })
  @ApiOkResponse({ type: AgencyView })
  async get(@Param('id') id: string): Promise<AgencyView> {
    if (!AGENCY_ID.test(id)) throw new CodedHttpException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'id must be an agency id');
    const row = await this.database.dataSource.getRepository(Agency).findOneBy({ id });
    if (!row) throw new CodedHttpException(HttpStatus.NOT_FOUND, 'AGENCY.NOT_FOUND', 'No such agency.');
    return toAgencyView(row);
  }
}
