// End-to-end tier: the four services run as real processes on the real broker and databases.
const path = require('node:path');

module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'e2e',
  rootDir: path.resolve(__dirname, '../..'),
  testMatch: ['<rootDir>/libs/*/src/**/*.e2e-spec.ts', '<rootDir>/services/*/src/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
  testTimeout: 120000,
};
