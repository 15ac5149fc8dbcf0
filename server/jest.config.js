// Two projects: `unit` (*.spec.ts, no database server) and `integration` (*.integration-spec.ts against
// the real app). The integration project runs once per engine: DB_ENGINE=sqlite|postgres (see package.json).
// A third project, `e2e` (test/scale-out/*.e2e-spec.ts), runs the BUILT server as child processes (the
// container's entry command) against its own throwaway PostgreSQL; its global setup builds first.
// `reporters` is a root-only option, so it is lifted out of the shared preset.
const { reporters, ...preset } = require('../jest.preset.js');

const engine = process.env.DB_ENGINE ?? 'sqlite';

module.exports = {
  ...(reporters ? { reporters } : {}),
  // A root-level option as well: Jest ignores testTimeout inside `projects`, so the integration tests ran with
  // the 5 s default and failed under load.
  testTimeout: 60000,
  projects: [
    {
      ...preset,
      displayName: 'server:unit',
      rootDir: __dirname,
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
    },
    {
      ...preset,
      displayName: `server:integration:${engine}`,
      rootDir: __dirname,
      testMatch: ['<rootDir>/src/**/*.integration-spec.ts', '<rootDir>/test/**/*.integration-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      testTimeout: 60000,
    },
    {
      ...preset,
      displayName: 'server:e2e',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/scale-out/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/scale-out/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
