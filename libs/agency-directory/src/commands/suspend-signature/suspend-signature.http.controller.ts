import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, Principal, Roles } from '@umbrella/platform';
import { SignatureParams } from '../../params';
import { SignatureView } from '../../signature.view';
import { SuspendSignatureHandler } from './suspend-signature.handler';
import { SuspendSignatureRequestDto } from './suspend-signature.request.dto';

// The operation id is the one the OpenAPI document has always published (clients are generated from it).
@ApiTags('agreement signatures')
@ApiBearerAuth()
@Controller('agencies/:agencyId/signatures')
export class SuspendSignatureHttpController {
  constructor(private readonly handler: SuspendSignatureHandler) {}

  @Post(':version/suspension')
  @Roles('coordinator')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'SignaturesHttpController_suspend', summary: "Suspend an agency's signature (coordinators only)" })
  suspend(@Param() { agencyId, version }: SignatureParams, @Body() body: SuspendSignatureRequestDto, @CurrentPrincipal() principal: Principal): Promise<SignatureView> {
    return this.handler.suspend(agencyId, version, body.reason, actorOf(principal));
  }
}
