export * from './vocabulary/domains';
