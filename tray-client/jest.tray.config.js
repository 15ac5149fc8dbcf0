// The GUI end-to-end tests: they need a display and a private session bus, so they run in their own
// Jest invocation per desktop (npm run test:tray: test/run-tray-tests.js starts Xvfb, then a headless
// sway). Waybar exists only on the sway desktop, so its spec runs only there.
const desktop = process.env.PACMAN_SYNC_TEST_DESKTOP ?? 'x11';

module.exports = {
  ...require('../jest.preset.js'),
  displayName: `tray-client:tray:${desktop}`,
  rootDir: __dirname,
  testMatch: [
    '<rootDir>/test/tray.e2e-spec.ts',
    ...(desktop === 'sway' ? ['<rootDir>/test/waybar.e2e-spec.ts'] : []),
  ],
  testTimeout: 60000,
};
