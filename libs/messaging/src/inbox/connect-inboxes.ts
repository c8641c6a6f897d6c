import { INestApplication } from '@nestjs/common';
import { Messaging } from '../messaging.service';
import { Inbox } from './inbox';
import { InboxServer } from './inbox.server';

/**
 * Attaches one transport strategy per consumer group to the service and starts them: each group's
 * `@OnEvent` handlers then receive its events. The consumers begin reading once the database is
 * migrated and the topics exist (Messaging waits for both).
 */
export async function connectInboxes(app: INestApplication, inboxes: readonly Inbox[]): Promise<void> {
  const messaging = app.get(Messaging);
  for (const inbox of inboxes) {
    app.connectMicroservice({ strategy: new InboxServer(inbox, messaging) });
  }
  await app.startAllMicroservices();
}
