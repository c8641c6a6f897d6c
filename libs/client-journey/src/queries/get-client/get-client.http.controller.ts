import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { AuditedRead, CurrentPrincipal, Database, Principal, Roles } from '@umbrella/platform';
import { ClientAccess } from '../../access/client.access-policy';
import { ClientErrors } from '../../client.errors';
import { findClient, readPersonalData } from '../../client.store';
import { ClientSummaryView, ConsentRow, ConsentView, toClientSummary, toConsentView } from '../../client.view';
import { PersonalDataProtector } from '../../personal-data/personal-data.protector';
import { ParseClientIdPipe } from '../../validation';

class ContactView {
  @ApiPropertyOptional() email?: string;
  @ApiPropertyOptional() phone?: string;
}

export class PersonalDataView {
  @ApiProperty() name: string;
  @ApiProperty() dateOfBirth: string;
  @ApiProperty({ type: ContactView }) contact: ContactView;
  @ApiProperty() postcode: string;
}

export class KeyWorkerPeriodView {
  @ApiProperty() userId: string;
  @ApiProperty() agencyId: string;
  @ApiProperty() from: string;
  @ApiProperty({ nullable: true, type: String }) to: string | null;
}

export class ClientView extends ClientSummaryView {
  @ApiProperty({ type: PersonalDataView, nullable: true, description: 'null once erased' }) personalData: PersonalDataView | null;
  @ApiProperty({ type: [ConsentView], description: 'every consent, active and withdrawn, oldest first' }) consents: ConsentView[];
  @ApiProperty({ type: [KeyWorkerPeriodView], description: 'continuity: each key worker the client has had, oldest first' }) keyWorkerHistory: KeyWorkerPeriodView[];
}

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class GetClientHttpController {
  constructor(
    private readonly database: Database,
    private readonly protector: PersonalDataProtector,
  ) {}

  @Get(':clientId')
  @Roles('caseworker')
  @AuditedRead()
  @ApiOperation({ summary: "The client's record, personal data included, for caseworkers of an agency that sees the client" })
  @ApiOkResponse({ type: ClientView })
  async get(@Param('clientId', ParseClientIdPipe) clientId: string, @CurrentPrincipal() principal: Principal): Promise<ClientView> {
    const db = this.database.dataSource.manager;
    await ClientAccess.assertMay(principal, clientId, db, 'see');
    const client = await findClient(db, clientId);
    if (!client) throw ClientErrors.notFound();
    const personal = client.erasedAt ? null : await readPersonalData(db, this.protector, clientId);
    const consents: ConsentRow[] = await db.query('SELECT * FROM consent WHERE client_id = $1 ORDER BY given_at, consent_id', [clientId]);
    const periods: { key_worker_id: string; lead_agency_id: string; assigned_at: Date; ended_at: Date | null }[] = await db.query(
      'SELECT key_worker_id, lead_agency_id, assigned_at, ended_at FROM key_worker_assignment WHERE client_id = $1 ORDER BY assigned_at',
      [clientId],
    );
    return {
      ...toClientSummary(client),
      personalData: personal ? { name: personal.name, dateOfBirth: personal.dateOfBirth, contact: { ...personal.contact }, postcode: personal.postcode } : null,
      consents: consents.map(toConsentView),
      keyWorkerHistory: periods.map((p) => ({ userId: p.key_worker_id, agencyId: p.lead_agency_id, from: p.assigned_at.toISOString(), to: p.ended_at?.toISOString() ?? null })),
    };
  }
}
