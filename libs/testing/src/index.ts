export * from './infrastructure';
export * from './wait';
export * from './topic-reader';
export * from './service-process';
export * from './identity';
export * from './platform';
export * from './partnership';
export * from './error-table';
