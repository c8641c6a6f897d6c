export * from './kafka';
export * from './topics';
export * from './outbox';
export * from './outbox-relay';
export * from './inbox-consumer';
export * from './messaging.module';
export * from './wakeable';
export * from './migrations/1732400000000-messaging-tables';
