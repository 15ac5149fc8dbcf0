#!/usr/bin/env node
// Runs the tray's e2e tests under a virtual X server and a private D-Bus session, and fails with a
// clear message (rather than "command not found") when either tool is missing.
const { spawnSync } = require('node:child_process');
const { accessSync, constants } = require('node:fs');
const { delimiter, join } = require('node:path');

function onPath(command) {
  return (process.env.PATH || '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const missing = [
  ['xvfb-run', 'xvfb xauth'],
  ['dbus-run-session', 'dbus (dbus-daemon)'],
].filter(([command]) => !onPath(command));
if (missing.length) {
  for (const [command, packages] of missing) {
    console.error(`tray tests: ${command} is not installed (Debian/Ubuntu: apt-get install ${packages})`);
  }
  process.exit(1);
}

const jest = require.resolve('jest/bin/jest');
const result = spawnSync(
  'xvfb-run',
  [
    '-a',
    'dbus-run-session',
    '--',
    process.execPath,
    jest,
    '-c',
    join(__dirname, '..', 'jest.tray.config.js'),
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit', env: { TEST_RUN_LABEL: 'tray-client-tray', ...process.env } },
);
process.exit(result.status ?? 1);
