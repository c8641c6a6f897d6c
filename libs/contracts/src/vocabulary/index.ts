// The contracts' words without their validation: constants, types and the domain refusal, no decorators and no
// reflect-metadata, so domain code (the agreement engine, every context's domain/) and the portal
// import them as `@umbrella/contracts/vocabulary` without loading class-validator.
export * from './domains';
export * from './client';
export * from './referral';
export * from './roles';
export * from './refusal';
