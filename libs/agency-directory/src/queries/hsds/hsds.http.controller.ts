import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { CodedHttpException, Database, ParseUuidPipe, Roles } from '@umbrella/platform';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { DirectoryAccess } from '../../access/directory.access-policy';
import { hsdsOrganization, HsdsAgencyRow, hsdsPage, hsdsService, HsdsTaxonomyRow, hsdsTaxonomy, hsdsTerm, HsdsTermRow, oneToOne } from '../../hsds/hsds.mapper';
import { NEEDS_TAXONOMY_ID } from '../../migrations/1732400000210-hsds-directory';
import { loadService, loadServices } from '../../service.store';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);

/** HSDS paging parameters: `page` (from 1) and `per_page`. */
export class HsdsPageQueryDto {
  @ApiPropertyOptional({ default: 1 }) @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100000) page?: number;
  @ApiPropertyOptional({ default: 50, maximum: 500 }) @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(500) per_page?: number;
}

const uuid = new ParseUuidPipe('id');

/** The directory in Open Referral HSDS 3.1 shapes, so other directory tools can read ours. */
@ApiTags('HSDS')
@ApiBearerAuth()
@Roles(...DirectoryAccess.readers)
@Controller('hsds')
export class HsdsHttpController {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.dataSource.manager;
  }

  private async taxonomy(): Promise<HsdsTaxonomyRow> {
    const [t] = await this.db.query('SELECT * FROM taxonomy WHERE id = $1', [NEEDS_TAXONOMY_ID]);
    return t;
  }

  private async agencies(hsdsIds: string[]): Promise<Map<string, HsdsAgencyRow>> {
    const rows: HsdsAgencyRow[] = await this.db.query('SELECT * FROM agency WHERE hsds_id = ANY($1::uuid[])', [hsdsIds]);
    return new Map(rows.map((r) => [r.hsds_id, r]));
  }

  @Get('services')
  @ApiOperation({ summary: 'HSDS service list (paged)' })
  async services(@Query() q: HsdsPageQueryDto) {
    const { page, perPage } = paging(q);
    const [{ n }] = await this.db.query('SELECT count(*)::int AS n FROM service');
    const ids: { id: string }[] = await this.db.query('SELECT id FROM service ORDER BY name, id LIMIT $1 OFFSET $2', [perPage, (page - 1) * perPage]);
    const [services, taxonomy] = await Promise.all([loadServices(this.db, ids.map((r) => r.id)), this.taxonomy()]);
    return hsdsPage(services.map((s) => oneToOne(hsdsService(s, taxonomy))), n, page, perPage);
  }

  @Get('services/:id')
  @ApiOperation({ summary: 'HSDS service with its organization' })
  async service(@Param('id', uuid) id: string) {
    const s = await loadService(this.db, id);
    if (!s) throw new CodedHttpException(404, 'SERVICE.NOT_FOUND', 'No such service.');
    const [taxonomy, agencies] = await Promise.all([this.taxonomy(), this.agencies([s.agencyHsdsId])]);
    return hsdsService(s, taxonomy, agencies.get(s.agencyHsdsId));
  }

  @Get('organizations')
  @ApiOperation({ summary: 'HSDS organization list (paged)' })
  async organizations(@Query() q: HsdsPageQueryDto) {
    const { page, perPage } = paging(q);
    const [{ n }] = await this.db.query('SELECT count(*)::int AS n FROM agency');
    const rows: HsdsAgencyRow[] = await this.db.query('SELECT * FROM agency ORDER BY name, id LIMIT $1 OFFSET $2', [perPage, (page - 1) * perPage]);
    return hsdsPage(rows.map((r) => oneToOne(hsdsOrganization(r))), n, page, perPage);
  }

  @Get('organizations/:id')
  @ApiOperation({ summary: 'HSDS organization with its services' })
  async organization(@Param('id', uuid) id: string) {
    const agency = (await this.agencies([id])).get(id);
    if (!agency) throw new CodedHttpException(404, 'AGENCY.NOT_FOUND', 'No such organization.');
    const ids: { id: string }[] = await this.db.query('SELECT id FROM service WHERE agency_id = $1 ORDER BY name', [agency.id]);
    const [services, taxonomy] = await Promise.all([loadServices(this.db, ids.map((r) => r.id)), this.taxonomy()]);
    return { ...hsdsOrganization(agency), services: services.map((s) => hsdsService(s, taxonomy)) };
  }

  @Get('taxonomies')
  @ApiOperation({ summary: 'HSDS taxonomy list (paged)' })
  async taxonomies(@Query() q: HsdsPageQueryDto) {
    const { page, perPage } = paging(q);
    const rows: HsdsTaxonomyRow[] = await this.db.query('SELECT * FROM taxonomy ORDER BY name LIMIT $1 OFFSET $2', [perPage, (page - 1) * perPage]);
    const [{ n }] = await this.db.query('SELECT count(*)::int AS n FROM taxonomy');
    return hsdsPage(rows.map(hsdsTaxonomy), n, page, perPage);
  }

  @Get('taxonomy_terms')
  @ApiOperation({ summary: 'HSDS taxonomy term list (paged): the needs taxonomy' })
  async terms(@Query() q: HsdsPageQueryDto) {
    const { page, perPage } = paging(q);
    const rows: HsdsTermRow[] = await this.db.query('SELECT * FROM taxonomy_term ORDER BY code LIMIT $1 OFFSET $2', [perPage, (page - 1) * perPage]);
    const [{ n }] = await this.db.query('SELECT count(*)::int AS n FROM taxonomy_term');
    const taxonomy = await this.taxonomy();
    return hsdsPage(rows.map((t) => hsdsTerm(t, taxonomy)), n, page, perPage);
  }

  @Get('service_at_locations')
  @ApiOperation({ summary: 'HSDS service-at-location list (paged)' })
  async serviceAtLocations(@Query() q: HsdsPageQueryDto) {
    const { page, perPage } = paging(q);
    const rows: { id: string; service_id: string; location_id: string }[] = await this.db.query(
      'SELECT id, service_id, location_id FROM service_at_location ORDER BY id LIMIT $1 OFFSET $2',
      [perPage, (page - 1) * perPage],
    );
    const [{ n }] = await this.db.query('SELECT count(*)::int AS n FROM service_at_location');
    const services = await loadServices(this.db, [...new Set(rows.map((r) => r.service_id))]);
    const contents = rows.map((r) => {
      const service = services.find((s) => s.id === r.service_id)!;
      const location = service.locations.find((l) => l.serviceAtLocationId === r.id)!;
      return { id: r.id, service_id: r.service_id, location_id: r.location_id, description: `${service.name} at ${location.name}` };
    });
    return hsdsPage(contents, n, page, perPage);
  }
}

function paging(q: HsdsPageQueryDto): { page: number; perPage: number } {
  return { page: q.page ?? 1, perPage: q.per_page ?? 50 };
}
