import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AuditedRead, CurrentPrincipal, Database, Principal, Roles } from '@umbrella/platform';
import { ClientAccess } from '../../access/client.access-policy';
import { ParseClientIdPipe } from '../../validation';

export class JourneyEntryView {
  @ApiProperty() eventId: string;
  @ApiProperty() type: string;
  @ApiProperty() occurredAt: string;
  @ApiProperty({ type: [String] }) agencyIds: string[];
  @ApiProperty() summary: string;
  @ApiProperty({ type: Object }) details: Record<string, unknown>;
}

export class JourneyView {
  @ApiProperty() clientId: string;
  @ApiProperty({ type: [JourneyEntryView] }) entries: JourneyEntryView[];
}

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class GetJourneyHttpController {
  constructor(private readonly database: Database) {}

  @Get(':clientId/journey')
  @Roles('caseworker')
  @AuditedRead()
  @ApiOperation({ summary: 'The client’s timeline across agencies, in the order events happened' })
  @ApiOkResponse({ type: JourneyView })
  async journey(@Param('clientId', ParseClientIdPipe) clientId: string, @CurrentPrincipal() principal: Principal): Promise<JourneyView> {
    await ClientAccess.assertMay(principal, clientId, this.database.dataSource.manager, 'see-journey');
    const rows: { event_id: string; event_type: string; occurred_at: Date; agency_ids: string[]; summary: string; details: Record<string, unknown> }[] =
      await this.database.dataSource.query(
        // Ordered by when things happened: the two topics are consumed independently, so arrival
        // order (seq) interleaves them arbitrarily on a rebuild; seq keeps ties in partition order.
        `SELECT event_id, event_type, occurred_at, agency_ids, summary, details FROM journey_entry WHERE client_id = $1 ORDER BY occurred_at, seq`,
        [clientId],
      );
    return {
      clientId,
      entries: rows.map((r) => ({
        eventId: r.event_id,
        type: r.event_type,
        occurredAt: r.occurred_at.toISOString(),
        agencyIds: r.agency_ids,
        summary: r.summary,
        details: r.details,
      })),
    };
  }
}
