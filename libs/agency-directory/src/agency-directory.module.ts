import { DynamicModule, Module } from '@nestjs/common';
import { Inbox, serviceInfrastructure } from '@umbrella/messaging';
import { ServiceConfig } from '@umbrella/platform';
import { Agency } from './agency.entity';
import { ImportHsdsHandler } from './commands/import-hsds/import-hsds.handler';
import { ImportHsdsHttpController } from './commands/import-hsds/import-hsds.http.controller';
import { OfferServiceHandler } from './commands/offer-service/offer-service.handler';
import { OfferServiceHttpController } from './commands/offer-service/offer-service.http.controller';
import { RegisterAgencyHandler } from './commands/register-agency/register-agency.handler';
import { RegisterAgencyHttpController } from './commands/register-agency/register-agency.http.controller';
import { SignAgreementHandler } from './commands/sign-agreement/sign-agreement.handler';
import { SignAgreementHttpController } from './commands/sign-agreement/sign-agreement.http.controller';
import { SuspendSignatureHandler } from './commands/suspend-signature/suspend-signature.handler';
import { SuspendSignatureHttpController } from './commands/suspend-signature/suspend-signature.http.controller';
import { UpdateAgencyHandler } from './commands/update-agency/update-agency.handler';
import { UpdateAgencyHttpController } from './commands/update-agency/update-agency.http.controller';
import { UpdateCapacityHandler } from './commands/update-capacity/update-capacity.handler';
import { UpdateCapacityHttpController } from './commands/update-capacity/update-capacity.http.controller';
import { UpdateServiceHandler } from './commands/update-service/update-service.handler';
import { UpdateServiceHttpController } from './commands/update-service/update-service.http.controller';
import { WithdrawServiceHandler } from './commands/withdraw-service/withdraw-service.handler';
import { WithdrawServiceHttpController } from './commands/withdraw-service/withdraw-service.http.controller';
import { DirectoryTables1732400000200 } from './migrations/1732400000200-directory-tables';
import { HsdsDirectory1732400000210 } from './migrations/1732400000210-hsds-directory';
import { ServiceSearchArrays1732400000220 } from './migrations/1732400000220-service-search-arrays';
import { AgreementVersions1732400000230 } from './migrations/1732400000230-agreement-versions';
import { AGREEMENTS_INBOX, AgreementVersionsMessageController } from './read-models/agreement-versions.message.controller';
import { GetAgenciesHttpController } from './queries/get-agencies/get-agencies.http.controller';
import { GetAgencyProfileHttpController } from './queries/get-agency-profile/get-agency-profile.http.controller';
import { GetServiceHttpController } from './queries/get-service/get-service.http.controller';
import { GetSignaturesHttpController } from './queries/get-signatures/get-signatures.http.controller';
import { HsdsHttpController } from './queries/hsds/hsds.http.controller';
import { InformationPackHttpController } from './queries/information-pack/information-pack.http.controller';
import { SearchServicesHttpController } from './queries/search-services/search-services.http.controller';

/** The directory's consumer groups; the service attaches one transport strategy to each (connectInboxes). */
export const AGENCY_DIRECTORY_INBOXES: readonly Inbox[] = [AGREEMENTS_INBOX];

@Module({})
export class AgencyDirectoryModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: AgencyDirectoryModule,
      imports: serviceInfrastructure(config, { service: 'agency-directory', entities: [Agency], migrations: [DirectoryTables1732400000200, HsdsDirectory1732400000210, ServiceSearchArrays1732400000220, AgreementVersions1732400000230], publishes: true }),
      controllers: [
        RegisterAgencyHttpController,
        UpdateAgencyHttpController,
        GetAgenciesHttpController,
        OfferServiceHttpController,
        UpdateServiceHttpController,
        UpdateCapacityHttpController,
        WithdrawServiceHttpController,
        SearchServicesHttpController,
        // after the search: `services/search` is not a service id
        GetServiceHttpController,
        GetSignaturesHttpController,
        SignAgreementHttpController,
        SuspendSignatureHttpController,
        GetAgencyProfileHttpController,
        InformationPackHttpController,
        ImportHsdsHttpController,
        HsdsHttpController,
        AgreementVersionsMessageController,
      ],
      providers: [RegisterAgencyHandler, UpdateAgencyHandler, OfferServiceHandler, UpdateServiceHandler, UpdateCapacityHandler, WithdrawServiceHandler, SignAgreementHandler, SuspendSignatureHandler, ImportHsdsHandler],
    };
  }
}
