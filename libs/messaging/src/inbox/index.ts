export * from './inbox';
export * from './inbox.context';
export * from './inbox.server';
export * from './inbox-error.filter';
export * from './on-event.decorator';
export * from './connect-inboxes';
export * from './inbox-under-test';
