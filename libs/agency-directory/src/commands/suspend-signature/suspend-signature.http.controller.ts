import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, Principal, PublishedOperation, Roles } from '@umbrella/platform';
import { SignatureParams } from '../../params';
import { SignatureView } from '../../signature.view';
import { SuspendSignatureHandler } from './suspend-signature.handler';
import { SuspendSignatureRequestDto } from './suspend-signature.request.dto';

@ApiTags('agreement signatures')
@ApiBearerAuth()
@Controller('agencies/:agencyId/signatures')
export class SuspendSignatureHttpController {
  constructor(private readonly handler: SuspendSignatureHandler) {}

  @Post(':version/suspension')
  @Roles('coordinator')
  @HttpCode(HttpStatus.OK)
  @PublishedOperation('Signatures.suspend', { summary: "Suspend an agency's signature (coordinators only)" })
  suspend(@Param() { agencyId, version }: SignatureParams, @Body() body: SuspendSignatureRequestDto, @CurrentPrincipal() principal: Principal): Promise<SignatureView> {
    return this.handler.suspend(agencyId, version, body.reason, actorOf(principal));
  }
}
