import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CodedHttpException, Database, PublishedOperation, Roles } from '@umbrella/platform';
import { DirectoryAccess } from '../../access/directory.access-policy';
import { Agency } from '../../agency.entity';
import { toAgencyView } from '../../agency.view';
import { AgencyIdParam } from '../../params';
import { loadServices } from '../../service.store';
import { toServiceView } from '../../service.view';

@ApiTags('agencies')
@ApiBearerAuth()
@Roles(...DirectoryAccess.readers)
@Controller()
export class GetAgencyProfileHttpController {
  constructor(private readonly database: Database) {}

  @Get('agencies/:agencyId/profile')
  @PublishedOperation('InformationPack.profile', { summary: "An agency's profile: who they are, their signatures and their services with capacity" })
  @ApiOkResponse()
  async profile(@Param() { agencyId }: AgencyIdParam) {
    const db = this.database.dataSource.manager;
    const agency = await db.findOneBy(Agency, { id: agencyId });
    if (!agency) throw new CodedHttpException(404, 'AGENCY.NOT_FOUND', 'No such agency.');
    const [signatures, serviceIds] = await Promise.all([
      db.query('SELECT agreement_version, status, signed_at, suspended_at FROM agreement_signature WHERE agency_id = $1 ORDER BY signed_at DESC', [agencyId]),
      db.query(`SELECT id FROM service WHERE agency_id = $1 AND status <> 'defunct' ORDER BY name`, [agencyId]),
    ]);
    const services = await loadServices(db, serviceIds.map((r: { id: string }) => r.id));
    return {
      agency: toAgencyView(agency),
      signatures: signatures.map((s: Record<string, unknown>) => ({
        agreementVersion: s.agreement_version,
        status: s.status,
        signedAt: (s.signed_at as Date).toISOString(),
        suspendedAt: s.suspended_at ? (s.suspended_at as Date).toISOString() : null,
      })),
      services: services.map(toServiceView),
    };
  }
}
