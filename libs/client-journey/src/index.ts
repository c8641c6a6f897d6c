export * from './client-journey.module';
