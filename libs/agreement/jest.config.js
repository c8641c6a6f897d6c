module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'agreement',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
