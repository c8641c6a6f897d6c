// Shared jest settings: SWC transpiles TypeScript (with decorator metadata, which NestJS,
// TypeORM and class-validator rely on) far faster than ts-jest; `tsc` type-checks in `build`.
const path = require('node:path');

const libs = ['agreement', 'contracts', 'messaging', 'platform', 'testing', 'agency-directory', 'referral', 'client-journey', 'reporting', 'portal'];

module.exports = {
  testEnvironment: 'node',
  reporters: ['default', path.join(__dirname, 'libs', 'testing', 'summary-reporter.js')],
  setupFiles: ['reflect-metadata'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    ...Object.fromEntries(libs.map((lib) => [`^@umbrella/${lib}$`, path.join(__dirname, 'libs', lib, 'src', 'index.ts')])),
    // the contracts' pure vocabulary, a secondary entry point without the validation decorators
    '^@umbrella/contracts/vocabulary$': path.join(__dirname, 'libs', 'contracts', 'src', 'vocabulary', 'index.ts'),
  },
};
