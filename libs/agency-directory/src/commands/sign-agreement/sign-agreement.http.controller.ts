import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, Principal, PublishedOperation, Roles } from '@umbrella/platform';
import { DirectoryAccess } from '../../access/directory.access-policy';
import { AgencyIdParam } from '../../params';
import { SignatureView } from '../../signature.view';
import { SignAgreementHandler } from './sign-agreement.handler';
import { SignAgreementRequestDto } from './sign-agreement.request.dto';

@ApiTags('agreement signatures')
@ApiBearerAuth()
@Controller('agencies/:agencyId/signatures')
export class SignAgreementHttpController {
  constructor(private readonly handler: SignAgreementHandler) {}

  @Post()
  @Roles('agency-admin', 'coordinator')
  @HttpCode(HttpStatus.OK)
  @PublishedOperation('Signatures.sign', { summary: 'Sign a version of the umbrella agreement for the agency (UA-1)' })
  sign(@Param() { agencyId }: AgencyIdParam, @Body() body: SignAgreementRequestDto, @CurrentPrincipal() principal: Principal): Promise<SignatureView> {
    DirectoryAccess.manageAgency(principal, agencyId);
    return this.handler.sign(agencyId, body.agreementVersion, principal, actorOf(principal));
  }
}
