module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'reporting',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  passWithNoTests: true,
};
