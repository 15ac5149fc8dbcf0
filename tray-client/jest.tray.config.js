// The GTK tray's end-to-end tests: they need an X display and a private session bus, so they run in
// their own Jest invocation under `xvfb-run -a dbus-run-session` (npm run test:tray).
module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'tray-client:tray',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/tray.e2e-spec.ts'],
  testTimeout: 60000,
};
