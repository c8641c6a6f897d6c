export * from './client-journey.module';
export * from './access/client.access-policy';
