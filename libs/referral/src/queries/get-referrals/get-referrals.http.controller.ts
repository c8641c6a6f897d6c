import { Controller, Get, HttpStatus, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AGENCY_ID, PSEUDONYMOUS_ID } from '@umbrella/contracts';
import { CodedHttpException, Database } from '@umbrella/platform';
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
@Controller('referrals')
export class GetReferralsHttpController {
  constructor(private readonly database: Database) {}

  @Get()
  @ApiOperation({ summary: 'List referrals, newest first, optionally for one client or one agency (sent or received)' })
  @ApiOkResponse({ type: [ReferralView] })
  async list(@Query() query: ListReferralsQueryDto): Promise<ReferralView[]> {
    const qb = this.database.dataSource.getRepository(Referral).createQueryBuilder('r').orderBy('r.requested_at', 'DESC').limit(200);
    if (query.clientId) qb.andWhere('r.client_id = :clientId', { clientId: query.clientId });
    if (query.agencyId) qb.andWhere('(r.from_agency_id = :a OR r.to_agency_id = :a)', { a: query.agencyId });
    return (await qb.getMany()).map(toView);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One referral' })
  @ApiOkResponse({ type: ReferralView })
  async get(@Param('id', new ParseUUIDPipe({ errorHttpStatusCode: HttpStatus.BAD_REQUEST })) id: string): Promise<ReferralView> {
    const referral = await this.database.dataSource.getRepository(Referral).findOneBy({ id });
    if (!referral) throw new CodedHttpException(HttpStatus.NOT_FOUND, 'REFERRAL.NOT_FOUND', 'No such referral.');
    return toView(referral);
  }
}
