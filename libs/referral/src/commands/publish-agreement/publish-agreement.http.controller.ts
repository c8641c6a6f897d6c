import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, Principal, PublishedOperation, Roles } from '@umbrella/platform';
import { AgreementVersionView } from '../../agreement/agreement.store';
import { PublishAgreementHandler } from './publish-agreement.handler';
import { PublishAgreementRequestDto } from './publish-agreement.request.dto';

@ApiTags('agreement')
@ApiBearerAuth()
@Controller()
export class PublishAgreementHttpController {
  constructor(private readonly handler: PublishAgreementHandler) {}

  @Post('agreements')
  @Roles('coordinator')
  @HttpCode(HttpStatus.CREATED)
  @PublishedOperation('Agreement.publish', {
    summary: 'Publish a new version of the agreement; it is in force at once, and agencies must sign it (UA-1). An invalid document is refused with every problem listed.',
  })
  publish(@Body() body: PublishAgreementRequestDto, @CurrentPrincipal() principal: Principal): Promise<AgreementVersionView> {
    return this.handler.publish(body.document, actorOf(principal));
  }
}
