// The console in real Chromium against the real built server (node server/dist/main.js serving
// admin-ui/dist/browser). Node environment; TypeScript through the workspace's @swc/jest setup.
const path = require('node:path');
const preset = require('../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'admin-ui:e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/e2e/**/*.e2e-spec.ts'],
  testTimeout: 60000,
  maxWorkers: 1,
  reporters: ['default', path.join(__dirname, '..', 'scripts/jest-results-reporter.js')],
};
