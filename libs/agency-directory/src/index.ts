export * from './agency-directory.module';
export * from './agency.entity';
export * from './access/directory.access-policy';
export * from './hsds/hsds.mapper';
export * from './commands/import-hsds/hsds-import';
