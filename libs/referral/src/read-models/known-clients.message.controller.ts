import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { EventOf } from '@umbrella/contracts';
import { InboxContext, OnEvent } from '@umbrella/messaging';
import { REFERRAL_INBOX } from '../referral.inbox';

/** The referral service's copy of who leads each client and what the client consented to (UA-2, UA-3). */
@Controller()
export class KnownClientsMessageController {
  /** The registering agency leads the case until it hands the lead over by referral (UA-3). */
  @OnEvent('ClientRegistered', REFERRAL_INBOX)
  async onClientRegistered(@Payload() event: EventOf<'ClientRegistered'>, @Ctx() { tx }: InboxContext): Promise<void> {
    const c = event.data;
    await tx.query('INSERT INTO client_lead (client_id, agency_id, since) VALUES ($1, $2, $3) ON CONFLICT (client_id) DO NOTHING', [c.clientId, c.registeredByAgencyId, c.registeredAt]);
  }

  @OnEvent('ConsentGiven', REFERRAL_INBOX)
  async onConsentGiven(@Payload() event: EventOf<'ConsentGiven'>, @Ctx() { tx }: InboxContext): Promise<void> {
    const c = event.data;
    await tx.query(
      `INSERT INTO client_consent (consent_id, client_id, agency_id, domain, purpose, active, updated_at) VALUES ($1, $2, $3, $4, $5, true, $6)
       ON CONFLICT (consent_id) DO NOTHING`,
      [c.consentId, c.clientId, c.agencyId ?? null, c.domain ?? null, c.purpose, event.occurredAt],
    );
  }
}
