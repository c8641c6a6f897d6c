import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Database, Roles } from '@umbrella/platform';
import { DirectoryAccess } from '../../access/directory.access-policy';
import { loadServices, resolveNeeds } from '../../service.store';
import { ServiceView, toServiceView } from '../../service.view';
import { SearchServicesQueryDto } from './search-services.query.dto';

export class MatchView {
  @ApiProperty() needsMatched: number;
  @ApiProperty() needsRequested: number;
  @ApiProperty({ description: 'The service addresses every need searched for' }) exactNeedMatch: boolean;
}

export class SearchResultView extends ServiceView {
  @ApiProperty({ type: MatchView }) match: MatchView;
}

export class SearchPageView {
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() total: number;
  @ApiProperty() totalPages: number;
  @ApiProperty({ type: [SearchResultView] }) results: SearchResultView[];
}

/**
 * Needs-based search of active services. Ranking: services that address every need searched for
 * and have places now come first, then exact need matches, then those with places, then by how
 * many needs they address and how well the free text matches.
 */
@ApiTags('services')
@ApiBearerAuth()
@Roles(...DirectoryAccess.readers)
@Controller('services')
export class SearchServicesHttpController {
  constructor(private readonly database: Database) {}

  @Get('search')
  @ApiOperation({ summary: 'Find services by need, region or area, age, target group, domain, capacity and free text' })
  @ApiOkResponse({ type: SearchPageView })
  async search(@Query() q: SearchServicesQueryDto): Promise<SearchPageView> {
    const db = this.database.dataSource.manager;
    const needs = q.needs?.length ? q.needs : null;
    const termIds = needs ? [...(await resolveNeeds(db, needs)).values()] : null;
    const page = q.page ?? 1;
    const perPage = q.perPage ?? 20;
    const text = q.q?.trim() ? q.q.trim() : null;
    const found: { id: string | null; need_matches: number; total: number }[] = await db.query(
      // One pass over the service rows: their needs and areas are arrays on the row (kept in step
      // by triggers), so no look-up per service is needed, whatever the directory's size.
      `WITH candidates AS (
         SELECT s.id, s.name, coalesce(c.available, 0) AS available,
                CASE WHEN $1::uuid[] IS NULL THEN 0 ELSE (SELECT count(*)::int FROM unnest(s.need_term_ids) t WHERE t = ANY($1::uuid[])) END AS need_matches,
                CASE WHEN $8::text IS NULL THEN 0 ELSE ts_rank(s.search, plainto_tsquery('english', $8)) END AS text_rank
           FROM service s
           JOIN agency a ON a.id = s.agency_id
           LEFT JOIN service_capacity c ON c.service_id = s.id
          WHERE s.status = 'active'
            AND ($1::uuid[] IS NULL OR s.need_term_ids && $1::uuid[])
            AND ($2::text IS NULL OR a.region = $2 OR s.area_names @> ARRAY[$2::text])
            AND ($3::text IS NULL OR s.area_names @> ARRAY[$3::text])
            AND ($4::int IS NULL OR ((s.minimum_age IS NULL OR s.minimum_age <= $4) AND (s.maximum_age IS NULL OR s.maximum_age >= $4)))
            AND ($5::text IS NULL OR s.target_groups && ARRAY[$5::text, 'everyone'])
            AND ($6::text IS NULL OR s.domain = $6)
            AND ($7::boolean IS NOT TRUE OR c.available > 0)
            AND ($8::text IS NULL OR s.search @@ plainto_tsquery('english', $8))
       )
       SELECT p.id, p.need_matches, t.total
         FROM (SELECT count(*)::int AS total FROM candidates) t
         LEFT JOIN LATERAL (
           SELECT id, need_matches FROM candidates
            ORDER BY (need_matches = $9 AND available > 0) DESC, (need_matches = $9) DESC, (available > 0) DESC,
                     need_matches DESC, text_rank DESC, name, id
            LIMIT $10 OFFSET $11
         ) p ON true`,
      [termIds, q.region ?? null, q.serviceArea ?? null, q.age ?? null, q.targetGroup ?? null, q.domain ?? null, q.hasCapacity ?? null, text, needs?.length ?? 0, perPage, (page - 1) * perPage],
    );
    const rows = found.filter((r): r is { id: string; need_matches: number; total: number } => r.id !== null);
    const services = await loadServices(db, rows.map((r) => r.id));
    const total = found[0]?.total ?? 0;
    return {
      page,
      perPage,
      total,
      totalPages: Math.ceil(total / perPage),
      results: services.map((s, i) => ({
        ...toServiceView(s),
        match: { needsMatched: rows[i].need_matches, needsRequested: needs?.length ?? 0, exactNeedMatch: !!needs && rows[i].need_matches === needs.length },
      })),
    };
  }
}
