import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AGENCY_ID, PSEUDONYMOUS_ID } from '@umbrella/contracts';
import { CurrentPrincipal, Database, ParseUuidPipe, Principal, Roles } from '@umbrella/platform';
import { ReferralAccess } from '../../access/referral.access-policy';
import { IsOptional, Matches } from 'class-validator';
import { Referral } from '../../referral.entity';
import { ReferralView, toView } from '../../referral.view';

export class ListReferralsQueryDto {
  @IsOptional()
  @Matches(PSEUDONYMOUS_ID, { message: 'clientId must be a pseudonymous id' })
  clientId?: string;

  @IsOptional()
  @Matches(AGENCY_ID, { message: 'agencyId must be an agency id' })
  agencyId?: string;
}

@ApiTags('referrals')
@ApiBearerAuth()
@Controller('referrals')
export class GetReferralsHttpController {
  constructor(private readonly database: Database) {}

  @Get()
  @Roles('caseworker', 'agency-admin')
  @ApiOperation({ summary: "List the referrals your agency sent or received, newest first, optionally for one client" })
  @ApiOkResponse({ type: [ReferralView] })
  async list(@Query() query: ListReferralsQueryDto, @CurrentPrincipal() principal: Principal): Promise<ReferralView[]> {
    const agencyId = ReferralAccess.listScope(principal, query.agencyId);
    const qb = this.database.dataSource.getRepository(Referral).createQueryBuilder('r').orderBy('r.requested_at', 'DESC').limit(200);
    qb.where('(r.from_agency_id = :a OR r.to_agency_id = :a)', { a: agencyId });
    if (query.clientId) qb.andWhere('r.client_id = :clientId', { clientId: query.clientId });
    return (await qb.getMany()).map(toView);
  }

  @Get(':id')
  @Roles('caseworker', 'agency-admin')
  @ApiOperation({ summary: 'One referral your agency sent or received' })
  @ApiOkResponse({ type: ReferralView })
  async get(
    @Param('id', new ParseUuidPipe('id')) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReferralView> {
    const referral = await this.database.dataSource.getRepository(Referral).findOneBy({ id });
    ReferralAccess.view(principal, referral);
    return toView(referral as Referral);
  }
}
