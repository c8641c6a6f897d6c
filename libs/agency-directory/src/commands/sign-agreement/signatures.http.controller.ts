import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AGREEMENT_VERSION } from '@umbrella/contracts';
import { actorOf, CurrentPrincipal, Principal, Roles } from '@umbrella/platform';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { DirectoryAccess } from '../../access/directory.access-policy';
import { AgencyIdParam, SignatureParams } from '../../params';
import { SignaturesHandler, SignatureView } from './signatures.handler';

export class SignAgreementRequestDto {
  @ApiProperty({ example: '1' })
  @Matches(AGREEMENT_VERSION, { message: 'agreementVersion must be an agreement version, e.g. 1 or 2.1' })
  agreementVersion: string;
}

export class SuspendSignatureRequestDto {
  @ApiProperty({ example: 'Repeated breaches of UA-9 under review by the partnership board' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason: string;
}

@ApiTags('agreement signatures')
@ApiBearerAuth()
@Controller('agencies/:agencyId/signatures')
export class SignaturesHttpController {
  constructor(private readonly handler: SignaturesHandler) {}

  @Get()
  @Roles(...DirectoryAccess.readers)
  @ApiOperation({ summary: "The agency's signatures of the umbrella agreement" })
  list(@Param() { agencyId }: AgencyIdParam): Promise<SignatureView[]> {
    return this.handler.list(agencyId);
  }

  @Post()
  @Roles('agency-admin', 'coordinator')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Sign a version of the umbrella agreement for the agency (UA-1)' })
  sign(@Param() { agencyId }: AgencyIdParam, @Body() body: SignAgreementRequestDto, @CurrentPrincipal() principal: Principal): Promise<SignatureView> {
    DirectoryAccess.manageAgency(principal, agencyId);
    return this.handler.sign(agencyId, body.agreementVersion, principal, actorOf(principal));
  }

  @Post(':version/suspension')
  @Roles('coordinator')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Suspend an agency's signature (coordinators only)" })
  suspend(@Param() { agencyId, version }: SignatureParams, @Body() body: SuspendSignatureRequestDto, @CurrentPrincipal() principal: Principal): Promise<SignatureView> {
    return this.handler.suspend(agencyId, version, body.reason, actorOf(principal));
  }
}
