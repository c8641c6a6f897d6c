import { MessagingTables1732400000000 } from './1732400000000-messaging-tables';
import { DeadLetterBytes1732400000010 } from './1732400000010-dead-letter-bytes';

/** The messaging tables' migrations, in order: every service runs them before its own. */
export const MESSAGING_MIGRATIONS = [MessagingTables1732400000000, DeadLetterBytes1732400000010] as const;
