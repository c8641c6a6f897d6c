export * from './client-journey.module';
export * from './client-journey.config';
export * from './access/client.access-policy';
