import { DynamicModule, Module } from '@nestjs/common';
import { Inbox, serviceInfrastructure } from '@umbrella/messaging';
import { ClientJourneyConfig } from './client-journey.config';
import { AssignKeyWorkerHandler } from './commands/assign-key-worker/assign-key-worker.handler';
import { AssignKeyWorkerHttpController } from './commands/assign-key-worker/assign-key-worker.http.controller';
import { EraseClientHandler } from './commands/erase-client/erase-client.handler';
import { EraseClientHttpController } from './commands/erase-client/erase-client.http.controller';
import { GiveConsentHandler } from './commands/give-consent/give-consent.handler';
import { GiveConsentHttpController } from './commands/give-consent/give-consent.http.controller';
import { RecordMilestoneHandler } from './commands/record-milestone/record-milestone.handler';
import { RecordMilestoneHttpController } from './commands/record-milestone/record-milestone.http.controller';
import { RegisterClientHandler } from './commands/register-client/register-client.handler';
import { RegisterClientHttpController } from './commands/register-client/register-client.http.controller';
import { WithdrawConsentHandler } from './commands/withdraw-consent/withdraw-consent.handler';
import { WithdrawConsentHttpController } from './commands/withdraw-consent/withdraw-consent.http.controller';
import { RecordNoteHandler } from './commands/record-note/record-note.handler';
import { RecordNoteHttpController } from './commands/record-note/record-note.http.controller';
import { JourneyTables1732400000300 } from './migrations/1732400000300-journey-tables';
import { ClientAccess1732400000310 } from './migrations/1732400000310-client-access';
import { Clients1732400000320 } from './migrations/1732400000320-clients';
import { AccessModel1732400000325 } from './migrations/1732400000325-access-model';
import { CaseNotes1732400000350 } from './migrations/1732400000350-case-notes';
import { PersonalDataProtector } from './personal-data/personal-data.protector';
import { JourneyMessageController, TIMELINE_INBOX } from './projections/journey.message.controller';
import { AGENCIES_INBOX, KnownAgenciesMessageController } from './projections/known-agencies.message.controller';
import { CheckConsentCoverageHttpController } from './queries/check-consent-coverage/check-consent-coverage.http.controller';
import { GetClientAuditHttpController } from './queries/get-client-audit/get-client-audit.http.controller';
import { GetClientHttpController } from './queries/get-client/get-client.http.controller';
import { GetJourneyHttpController } from './queries/get-journey/get-journey.http.controller';
import { GetNotesHttpController } from './queries/get-notes/get-notes.http.controller';

/** client-journey's consumer groups; the service attaches one transport strategy to each (connectInboxes). */
export const CLIENT_JOURNEY_INBOXES: readonly Inbox[] = [TIMELINE_INBOX, AGENCIES_INBOX];

@Module({})
export class ClientJourneyModule {
  static forRoot(config: ClientJourneyConfig): DynamicModule {
    return {
      module: ClientJourneyModule,
      imports: serviceInfrastructure(config, { service: 'client-journey', migrations: [JourneyTables1732400000300, ClientAccess1732400000310, Clients1732400000320, AccessModel1732400000325, CaseNotes1732400000350], publishes: true }),
      controllers: [
        RegisterClientHttpController,
        GiveConsentHttpController,
        WithdrawConsentHttpController,
        AssignKeyWorkerHttpController,
        RecordMilestoneHttpController,
        EraseClientHttpController,
        RecordNoteHttpController,
        GetClientHttpController,
        GetNotesHttpController,
        GetClientAuditHttpController,
        CheckConsentCoverageHttpController,
        GetJourneyHttpController,
        JourneyMessageController,
        KnownAgenciesMessageController,
      ],
      providers: [
        { provide: PersonalDataProtector, useValue: PersonalDataProtector.fromBase64(config.CLIENT_DATA_KEY) },
        RegisterClientHandler,
        GiveConsentHandler,
        WithdrawConsentHandler,
        AssignKeyWorkerHandler,
        RecordMilestoneHandler,
        EraseClientHandler,
        RecordNoteHandler,
      ],
    };
  }
}
