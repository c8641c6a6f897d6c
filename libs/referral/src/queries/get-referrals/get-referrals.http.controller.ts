import { Controller, Get, HttpException, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditedRead, concerning, CurrentPrincipal, Database, ParseUuidPipe, Principal, Roles } from '@umbrella/platform';
import { ReferralAccess } from '../../access/referral.access-policy';
import { Referral } from '../../referral.entity';
import { ReferralView, toView } from '../../referral.view';
import { ListReferralsQueryDto } from './get-referrals.query.dto';

@ApiTags('referrals')
@ApiBearerAuth()
@Controller('referrals')
export class GetReferralsHttpController {
  constructor(private readonly database: Database) {}

  @Get()
  @Roles('caseworker', 'agency-admin')
  @AuditedRead('when-naming-a-client')
  @ApiOperation({ summary: 'List the referrals your agency sent or received, newest first, optionally for one client (audited when it names one)' })
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
  @AuditedRead()
  @ApiOperation({ summary: 'One referral your agency sent or received (audited: the record is its client)' })
  @ApiOkResponse({ type: ReferralView })
  async get(
    @Param('id', new ParseUuidPipe('id')) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReferralView> {
    const referral = await this.database.dataSource.getRepository(Referral).findOneBy({ id });
    try {
      ReferralAccess.view(principal, referral);
    } catch (error) {
      // the refusal says nothing; the audit trail keeps whose referral was asked for
      if (referral && error instanceof HttpException) throw concerning(error, referral.clientId);
      throw error;
    }
    return toView(referral as Referral);
  }
}
