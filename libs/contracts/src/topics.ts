/**
 * The platform's topics. They are provisioned at start-up from this list (never by broker
 * auto-creation), so partitions and retention live next to the events they carry.
 */
export interface TopicDefinition {
  readonly name: string;
  /** What the message key is: every event of one client (or agency) lands on one partition, in order. */
  readonly keyedBy: 'clientId' | 'agencyId' | 'agreementId' | 'referralId' | 'originalKey';
  readonly partitions: number;
  /** -1 keeps events forever: projections are rebuilt from the beginning of the topics. */
  readonly retentionMs: number;
  readonly description: string;
}

const FOREVER = -1;
const THIRTY_DAYS = 30 * 24 * 3600 * 1000;

export const TOPICS = {
  referrals: {
    name: 'umbrella.referrals.v1',
    keyedBy: 'clientId',
    partitions: 6,
    retentionMs: FOREVER,
    description: 'Referral lifecycle, claims and agreement decisions, keyed by pseudonymous client id.',
  },
  clients: {
    name: 'umbrella.clients.v1',
    keyedBy: 'clientId',
    partitions: 6,
    retentionMs: FOREVER,
    description: 'Client registration (derived attributes only), consent and milestones, keyed by pseudonymous client id.',
  },
  agencies: {
    name: 'umbrella.agencies.v1',
    keyedBy: 'agencyId',
    partitions: 3,
    retentionMs: FOREVER,
    description: 'Agencies, their services, capacity and agreement signatures, keyed by agency id.',
  },
  agreements: {
    name: 'umbrella.agreements.v1',
    keyedBy: 'agreementId',
    partitions: 1,
    retentionMs: FOREVER,
    description: 'Published versions of the umbrella agreement, keyed by agreement id.',
  },
  referralFacts: {
    name: 'umbrella.referral-facts.v1',
    keyedBy: 'referralId',
    partitions: 3,
    retentionMs: FOREVER,
    description: 'Denormalised referral facts for downstream analysts, published by reporting; no client id and no personal data, keyed by referral id.',
  },
  deadLetters: {
    name: 'umbrella.dead-letters.v1',
    keyedBy: 'originalKey',
    partitions: 1,
    retentionMs: THIRTY_DAYS,
    description: 'Messages a consumer could not process after bounded retries, with the reason in headers.',
  },
} as const satisfies Record<string, TopicDefinition>;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS]['name'];

export const ALL_TOPICS: readonly TopicDefinition[] = Object.values(TOPICS);
