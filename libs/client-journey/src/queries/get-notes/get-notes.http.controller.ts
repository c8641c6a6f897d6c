import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditedRead, CurrentPrincipal, Database, Principal, Roles } from '@umbrella/platform';
import { ClientAccess } from '../../access/client.access-policy';
import { ClientErrors } from '../../client.errors';
import { findClient } from '../../client.store';
import { NoteRow, NoteWithTextView, toNoteView } from '../../note.view';
import { PersonalDataProtector } from '../../personal-data/personal-data.protector';
import { ParseClientIdPipe } from '../../validation';

@ApiTags('notes')
@ApiBearerAuth()
@Controller('clients')
export class GetNotesHttpController {
  constructor(
    private readonly database: Database,
    private readonly protector: PersonalDataProtector,
  ) {}

  @Get(':clientId/notes')
  @Roles('caseworker')
  @AuditedRead()
  @ApiOperation({ summary: "The client's case notes, oldest first, for caseworkers of an agency that sees the client (audited); none once the client is erased" })
  @ApiOkResponse({ type: [NoteWithTextView] })
  async notes(@Param('clientId', ParseClientIdPipe) clientId: string, @CurrentPrincipal() principal: Principal): Promise<NoteWithTextView[]> {
    const db = this.database.dataSource.manager;
    await ClientAccess.assertMay(principal, clientId, db, 'see');
    if (!(await findClient(db, clientId))) throw ClientErrors.notFound();
    const rows: NoteRow[] = await db.query('SELECT * FROM client_note WHERE client_id = $1 ORDER BY recorded_at, note_id', [clientId]);
    return rows.map((r) => ({
      ...toNoteView(r),
      text: this.protector.openNote(r.client_id, r.note_id, { keyVersion: r.key_version, iv: r.iv, authTag: r.auth_tag, ciphertext: r.ciphertext }),
    }));
  }
}
