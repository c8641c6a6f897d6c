import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AsyncApiDocument, generateCatalogue } from '@umbrella/contracts';
import { Public } from '@umbrella/platform';

/**
 * The event catalogue (AsyncAPI 3) for teams building on the streams. It describes shapes, never
 * data, so it is public. It is generated from the same contracts as the committed
 * libs/contracts/asyncapi.json, which CI keeps identical.
 */
@ApiTags('catalogue')
@Public()
@Controller()
export class EventCatalogueHttpController {
  private readonly catalogue: AsyncApiDocument = generateCatalogue();

  @Get('asyncapi.json')
  @ApiOperation({ summary: 'The AsyncAPI 3 catalogue of every topic, key, event type, version and schema' })
  @ApiOkResponse({ description: 'an AsyncAPI 3.0.0 document' })
  asyncapi(): AsyncApiDocument {
    return this.catalogue;
  }
}
