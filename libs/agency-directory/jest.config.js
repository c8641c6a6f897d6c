module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'agency-directory',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  passWithNoTests: true,
};
