export * from './config';
export * from './html';
export * from './session';
export * from './oidc';
export * from './api';
export * from './views';
export * from './portal.server';
