export * from './rules';
export * from './agreement';
export * from './calendar';
export * from './lifecycle';
export * from './decide';
export * from './involvement';
export * from './refusals';
