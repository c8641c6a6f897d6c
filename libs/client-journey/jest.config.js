module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'client-journey',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  passWithNoTests: true,
};
