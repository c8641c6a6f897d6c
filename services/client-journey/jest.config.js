module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'client-journey-service',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  passWithNoTests: true,
};
