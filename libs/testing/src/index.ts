export * from './infrastructure';
export * from './wait';
export * from './topic-reader';
