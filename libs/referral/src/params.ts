import { DOMAINS_OF_SUPPORT, DomainOfSupport, PSEUDONYMOUS_ID } from '@umbrella/contracts';
import { IsIn, Matches } from 'class-validator';

export class ClientParam {
  @Matches(PSEUDONYMOUS_ID, { message: 'clientId must be a pseudonymous id' })
  clientId: string;
}

export class ClaimParams extends ClientParam {
  @IsIn(DOMAINS_OF_SUPPORT)
  domain: DomainOfSupport;
}
