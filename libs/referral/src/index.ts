export * from './referral.module';
export * from './referral.entity';
export * from './referral.view';
export * from './read-models/known-agency.entity';
export * from './commands/request-referral/request-referral.handler';
export * from './access/referral.access-policy';
export * from './agreement/agreement.store';
export * from './commands/publish-agreement/publish-agreement.handler';
