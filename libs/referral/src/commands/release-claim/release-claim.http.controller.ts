import { Controller, Delete, HttpCode, HttpStatus, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@umbrella/platform';
import { ClaimParams } from '../../params';
import { ReleaseClaimHandler } from './release-claim.handler';

// The operation id is the one the OpenAPI document has always published (clients are generated from it).
@ApiTags('claims')
@ApiBearerAuth()
@Roles('caseworker')
@Controller('clients/:clientId')
export class ReleaseClaimHttpController {
  constructor(private readonly handler: ReleaseClaimHandler) {}

  @Delete('claims/:domain')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ operationId: 'ClaimsHttpController_release', summary: "Release your agency's claim on the client in a domain (UA-9: only the holder can)" })
  async release(@Param() { clientId, domain }: ClaimParams, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.handler.release(principal, clientId, domain);
  }
}
