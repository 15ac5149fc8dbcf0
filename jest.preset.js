// One Jest setup for every project: @swc/jest compiles TypeScript with decorator metadata
// (NestJS needs it) and also the ESM-only @nestjs/* packages, which Jest cannot load as they ship.
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  reporters: ['default', path.join(__dirname, 'scripts/jest-results-reporter.js')],
  transform: {
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|content-disposition|@fastify/static|cookie)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  moduleNameMapper: {
    '^@pacman-sync/shared$': path.join(__dirname, 'shared/src/index.ts'),
  },
};
