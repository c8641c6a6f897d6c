export * from './config';
export * from './database';
export * from './health';
export * from './http';
export * from './bootstrap';
export * from './platform.module';
