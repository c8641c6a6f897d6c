import { Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, PublishedOperation, Roles } from '@umbrella/platform';
import { CaseView } from '../../case.view';
import { ClaimParams } from '../../params';
import { TakeClaimHandler } from './take-claim.handler';

@ApiTags('claims')
@ApiBearerAuth()
@Roles('caseworker')
@Controller('clients/:clientId')
export class TakeClaimHttpController {
  constructor(private readonly handler: TakeClaimHandler) {}

  @Post('claims/:domain')
  @HttpCode(HttpStatus.OK)
  @PublishedOperation('Claims.claim', { summary: 'Take on the client in a domain without a referral (a walk-in): UA-1, UA-2 and UA-4 apply' })
  async claim(@Param() { clientId, domain }: ClaimParams, @CurrentPrincipal() principal: Principal): Promise<CaseView> {
    return this.handler.claim(principal, clientId, domain);
  }
}
