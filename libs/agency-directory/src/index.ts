export * from './agency-directory.module';
export * from './agency.entity';
