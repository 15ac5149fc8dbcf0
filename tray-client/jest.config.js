module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'tray-client',
  rootDir: __dirname,
  testMatch: [
    '<rootDir>/src/**/*.spec.ts',
    '<rootDir>/src/**/*.integration-spec.ts',
    '<rootDir>/test/**/*.spec.ts',
    '<rootDir>/test/fleet.e2e-spec.ts',
    '<rootDir>/test/pkgbuild.e2e-spec.ts',
    '<rootDir>/test/waybar-follow.e2e-spec.ts',
  ],
  // Integration tests drive a real pacman; a throwaway root takes a moment to build.
  testTimeout: 60000,
  // pacman 7.0 built once per machine, the desktop user, and the sudo + pacman-sync-privileged harness.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};
