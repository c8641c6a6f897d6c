import { AgreementEvent, EventOf, TOPICS } from '@umbrella/contracts';
import { ConsumerHandlers } from '@umbrella/messaging';
import { EntityManager } from 'typeorm';

export const AGREEMENTS_CONSUMER = 'agency-directory.agreements';
export const AGREEMENTS_TOPICS = [TOPICS.agreements.name];

/**
 * The directory's copy of the published versions of the agreement. A version is published once
 * (the referral service refuses a second publication), so the first event of a version is the one
 * kept; a redelivery, or a replay from the beginning of the topic, changes nothing.
 */
export async function onAgreementPublished(event: EventOf<'AgreementPublished'>, tx: EntityManager): Promise<void> {
  // the consumer validated the event against its contract before handing it over
  const { version, agreementId, effectiveFrom, publishedAt } = event.data;
  await tx.query(
    `INSERT INTO agreement_version (version, agreement_id, effective_from, published_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (version) DO NOTHING`,
    [version, agreementId, effectiveFrom, publishedAt],
  );
}

export const AGREEMENTS_HANDLERS: ConsumerHandlers<AgreementEvent> = { AgreementPublished: onAgreementPublished };
