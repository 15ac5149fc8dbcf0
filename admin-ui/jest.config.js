// Unit tests: jest-preset-angular (ts-jest with Angular's compiler transforms) in jsdom, zoneless like the app.
// The e2e suite has its own config (jest.e2e.config.js): real server, real Chromium, node environment.
const path = require('node:path');
const { createCjsPreset } = require('jest-preset-angular/presets');

const root = path.join(__dirname, '..');

module.exports = {
  ...createCjsPreset({ tsconfig: '<rootDir>/tsconfig.spec.json' }),
  displayName: 'admin-ui',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  setupFilesAfterEnv: ['<rootDir>/src/test-setup.ts'],
  moduleNameMapper: {
    '^@pacman-sync/shared$': path.join(root, 'shared/src/index.ts'),
  },
  reporters: ['default', path.join(root, 'scripts/jest-results-reporter.js')],
};
