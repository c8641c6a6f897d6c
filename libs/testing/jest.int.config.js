// Integration tier: real Kafka and real PostgreSQL, started once per run by the global setup.
const path = require('node:path');

module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'integration',
  rootDir: path.resolve(__dirname, '../..'),
  testMatch: ['<rootDir>/libs/*/src/**/*.int-spec.ts', '<rootDir>/services/*/src/**/*.int-spec.ts'],
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
  testTimeout: 60000,
};
