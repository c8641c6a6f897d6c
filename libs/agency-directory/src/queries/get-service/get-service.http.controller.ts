import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CodedHttpException, Database, PublishedOperation, Roles } from '@umbrella/platform';
import { DirectoryAccess } from '../../access/directory.access-policy';
import { ServiceIdParam } from '../../params';
import { loadService } from '../../service.store';
import { ServiceView, toServiceView } from '../../service.view';

@ApiTags('services')
@ApiBearerAuth()
@Roles(...DirectoryAccess.readers)
@Controller('services')
export class GetServiceHttpController {
  constructor(private readonly database: Database) {}

  @Get(':id')
  @PublishedOperation('SearchServices.get', { summary: 'One service' })
  @ApiOkResponse({ type: ServiceView })
  async get(@Param() { id }: ServiceIdParam): Promise<ServiceView> {
    const service = await loadService(this.database.dataSource.manager, id);
    if (!service) throw new CodedHttpException(404, 'SERVICE.NOT_FOUND', 'No such service.');
    return toServiceView(service);
  }
}
