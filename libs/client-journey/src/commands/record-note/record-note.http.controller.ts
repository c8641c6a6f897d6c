import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@umbrella/platform';
import { ClientAccess } from '../../access/client.access-policy';
import { NoteView, toNoteView } from '../../note.view';
import { ParseClientIdPipe } from '../../validation';
import { RecordNoteHandler } from './record-note.handler';
import { RecordNoteRequestDto } from './record-note.request.dto';

@ApiTags('notes')
@ApiBearerAuth()
@Controller('clients')
export class RecordNoteHttpController {
  constructor(private readonly handler: RecordNoteHandler) {}

  @Post(':clientId/notes')
  @Roles('caseworker')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Write a case note about a client your agency works with (e.g. why a referral was rejected), optionally about one of their referrals',
    description: 'The text is kept encrypted in client-journey only and erased with the client. The answer carries the note without its text; GET /clients/{clientId}/notes reads it.',
  })
  @ApiCreatedResponse({ type: NoteView })
  async record(@Param('clientId', ParseClientIdPipe) clientId: string, @Body() body: RecordNoteRequestDto, @CurrentPrincipal() principal: Principal): Promise<NoteView> {
    const agencyId = ClientAccess.actingAgency(principal);
    return toNoteView(await this.handler.execute({ clientId, request: body, principal, agencyId, userId: principal.userId }));
  }
}
