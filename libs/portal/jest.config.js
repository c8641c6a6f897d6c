module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'portal',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  passWithNoTests: true,
};
