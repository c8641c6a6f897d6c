import 'reflect-metadata';
export * from './domains';
export * from './topics';
export * from './envelope';
export * from './validation';
export * from './registry';
export * from './events/referral.events';
export * from './events/agency.events';
export * from './events/client.events';
