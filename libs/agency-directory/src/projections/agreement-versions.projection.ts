import { AgreementPublishedV1, TOPICS, validatePlain } from '@umbrella/contracts';
import { EventHandler, HandledEvent, UnprocessableEvent } from '@umbrella/messaging';
import { EntityManager } from 'typeorm';

export const AGREEMENTS_CONSUMER = 'agency-directory.agreements';
export const AGREEMENTS_TOPICS = [TOPICS.agreements.name];

/**
 * The directory's copy of the published versions of the agreement. A version is published once
 * (the referral service refuses a second publication), so the first event of a version is the one
 * kept; a redelivery, or a replay from the beginning of the topic, changes nothing.
 */
export async function onAgreementPublished(event: HandledEvent, tx: EntityManager): Promise<void> {
  const data = validatePlain(AgreementPublishedV1, event.data, { strict: false });
  if (!data.ok) throw new UnprocessableEvent(data.errors.join('; '));
  const { version, agreementId, effectiveFrom, publishedAt } = data.value;
  await tx.query(
    `INSERT INTO agreement_version (version, agreement_id, effective_from, published_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (version) DO NOTHING`,
    [version, agreementId, effectiveFrom, publishedAt],
  );
}

export const AGREEMENTS_HANDLERS: Readonly<Record<string, EventHandler>> = { AgreementPublished: onAgreementPublished };
