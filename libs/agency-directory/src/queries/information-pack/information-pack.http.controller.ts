import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CodedHttpException, Database, Roles } from '@umbrella/platform';
import type { Response } from 'express';
import { DirectoryAccess } from '../../access/directory.access-policy';
import { loadServices } from '../../service.store';
import { informationPackHtml, informationPackMarkdown, PackAgency } from './information-pack';
import { PackFormatQueryDto, RegionParam } from './information-pack.query.dto';

@ApiTags('agencies')
@ApiBearerAuth()
@Roles(...DirectoryAccess.readers)
@Controller()
export class InformationPackHttpController {
  constructor(private readonly database: Database) {}

  @Get('regions/:region/information-pack')
  @ApiOperation({ summary: 'A printable joint information pack of the region (HTML, or Markdown with ?format=markdown)' })
  async pack(@Param() { region }: RegionParam, @Query() { format }: PackFormatQueryDto, @Res() res: Response): Promise<void> {
    const db = this.database.dataSource.manager;
    const agencies: Record<string, unknown>[] = await db.query(
      `SELECT a.id, a.name, a.description, a.stakeholder_type, a.email, a.website, array_agg(sig.agreement_version ORDER BY sig.agreement_version) AS versions
         FROM agency a JOIN agreement_signature sig ON sig.agency_id = a.id AND sig.status = 'signed'
        WHERE a.region = $1 GROUP BY a.id ORDER BY a.name`,
      [region],
    );
    if (agencies.length === 0) throw new CodedHttpException(404, 'DIRECTORY.REGION_UNKNOWN', 'No signatory agency in this region.');
    const serviceRows: { id: string; agency_id: string }[] = await db.query(
      `SELECT id, agency_id FROM service WHERE agency_id = ANY($1) AND status IN ('active', 'temporarily closed') ORDER BY name`,
      [agencies.map((a) => a.id)],
    );
    const services = await loadServices(db, serviceRows.map((r) => r.id));
    const pack: PackAgency[] = agencies.map((a) => ({
      id: a.id as string,
      name: a.name as string,
      description: a.description as string,
      stakeholderType: a.stakeholder_type as string,
      email: a.email as string | null,
      website: a.website as string | null,
      agreementVersions: a.versions as string[],
      services: services.filter((s) => s.agencyId === a.id),
    }));
    if (format === 'markdown') {
      res.type('text/markdown; charset=utf-8').send(informationPackMarkdown(region, pack, new Date()));
    } else {
      res.type('text/html; charset=utf-8').send(informationPackHtml(region, pack, new Date()));
    }
  }
}
