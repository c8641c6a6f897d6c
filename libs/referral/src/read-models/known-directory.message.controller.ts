import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { EventOf } from '@umbrella/contracts';
import { InboxContext, OnEvent } from '@umbrella/messaging';
import { REFERRAL_INBOX } from '../referral.inbox';

/**
 * The referral service's copy of the directory — agencies, their signatures of the agreement,
 * their services and capacity — built from the directory's events, so no decision ever waits on a
 * call to another service.
 */
@Controller()
export class KnownDirectoryMessageController {
  @OnEvent(['AgencyRegistered', 'AgencyUpdated'], REFERRAL_INBOX)
  async onAgency(@Payload() event: EventOf<'AgencyRegistered' | 'AgencyUpdated'>, @Ctx() { tx }: InboxContext): Promise<void> {
    const data = event.data;
    await tx.query(
      `INSERT INTO known_agency (agency_id, name, stakeholder_type, region, updated_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (agency_id) DO UPDATE
         SET name = EXCLUDED.name, stakeholder_type = EXCLUDED.stakeholder_type, region = EXCLUDED.region, updated_at = EXCLUDED.updated_at`,
      [data.agencyId, data.name, data.stakeholderType, data.region, event.occurredAt],
    );
  }

  @OnEvent(['AgreementSigned', 'AgreementSignatureSuspended'], REFERRAL_INBOX)
  async onSignature(@Payload() event: EventOf<'AgreementSigned' | 'AgreementSignatureSuspended'>, @Ctx() { tx }: InboxContext): Promise<void> {
    const data = event.data;
    await tx.query(
      `INSERT INTO agency_signature (agency_id, agreement_version, signed, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (agency_id, agreement_version) DO UPDATE SET signed = EXCLUDED.signed, updated_at = EXCLUDED.updated_at
       WHERE agency_signature.updated_at <= EXCLUDED.updated_at`,
      [data.agencyId, data.agreementVersion, event.type === 'AgreementSigned', event.occurredAt],
    );
  }

  @OnEvent(['ServiceOffered', 'ServiceUpdated'], REFERRAL_INBOX)
  async onService(@Payload() event: EventOf<'ServiceOffered' | 'ServiceUpdated'>, @Ctx() { tx }: InboxContext): Promise<void> {
    const s = event.data;
    await tx.query(
      `INSERT INTO known_service (service_id, agency_id, name, status, domain, available, waitlist_allowed, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (service_id) DO UPDATE SET agency_id = EXCLUDED.agency_id, name = EXCLUDED.name, status = EXCLUDED.status, domain = EXCLUDED.domain,
         available = EXCLUDED.available, waitlist_allowed = EXCLUDED.waitlist_allowed, updated_at = EXCLUDED.updated_at`,
      [s.serviceId, s.agencyId, s.name, s.status, s.domain, s.capacity.available, s.capacity.waitlistAllowed, event.occurredAt],
    );
  }

  @OnEvent('ServiceCapacityChanged', REFERRAL_INBOX)
  async onCapacity(@Payload() event: EventOf<'ServiceCapacityChanged'>, @Ctx() { tx }: InboxContext): Promise<void> {
    const c = event.data;
    await tx.query('UPDATE known_service SET available = $2, waitlist_allowed = $3, updated_at = $4 WHERE service_id = $1', [c.serviceId, c.available, c.waitlistAllowed, event.occurredAt]);
  }

  @OnEvent('ServiceWithdrawn', REFERRAL_INBOX)
  async onServiceWithdrawn(@Payload() event: EventOf<'ServiceWithdrawn'>, @Ctx() { tx }: InboxContext): Promise<void> {
    const w = event.data;
    await tx.query(`UPDATE known_service SET status = 'defunct', updated_at = $2 WHERE service_id = $1`, [w.serviceId, event.occurredAt]);
  }
}
