import { Controller, Delete, HttpCode, HttpStatus, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, PublishedOperation, Roles } from '@umbrella/platform';
import { ClaimParams } from '../../params';
import { ReleaseClaimHandler } from './release-claim.handler';

@ApiTags('claims')
@ApiBearerAuth()
@Roles('caseworker')
@Controller('clients/:clientId')
export class ReleaseClaimHttpController {
  constructor(private readonly handler: ReleaseClaimHandler) {}

  @Delete('claims/:domain')
  @HttpCode(HttpStatus.NO_CONTENT)
  @PublishedOperation('Claims.release', { summary: "Release your agency's claim on the client in a domain (UA-9: only the holder can)" })
  async release(@Param() { clientId, domain }: ClaimParams, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.handler.release(principal, clientId, domain);
  }
}
