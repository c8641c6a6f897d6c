export * from './agency-directory.module';
export * from './agency.entity';
export * from './access/directory.access-policy';
