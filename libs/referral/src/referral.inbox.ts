import { AgencyEvent, ClientEvent, TOPICS } from '@umbrella/contracts';
import { defineInbox, Inbox } from '@umbrella/messaging';

/** The referral service's consumer group: the directory's events and the clients' (registration, consent, milestones). */
export const REFERRAL_INBOX = defineInbox<AgencyEvent | ClientEvent>('referral.read-models', [TOPICS.agencies.name, TOPICS.clients.name]);

/** The service's consumer groups; it attaches one transport strategy to each (connectInboxes). */
export const REFERRAL_INBOXES: readonly Inbox[] = [REFERRAL_INBOX];
