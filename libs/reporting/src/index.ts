export * from './reporting.module';
export * from './access/reporting.access-policy';
