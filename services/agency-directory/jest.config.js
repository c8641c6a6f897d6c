module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'agency-directory-service',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  passWithNoTests: true,
};
