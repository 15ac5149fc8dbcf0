#!/usr/bin/env node
// Runs the tray's e2e tests on both desktops users have: X11 (a virtual X server and a private D-Bus
// session) and Wayland (a headless sway with Waybar as the tray host, test/support/sway-session.js).
// It fails with a clear message (rather than "command not found") when a tool is missing.
// `--desktop=x11` or `--desktop=sway` runs one of them; other arguments go to Jest.
const { spawnSync } = require('node:child_process');
const { accessSync, constants, mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
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

const DESKTOPS = {
  x11: {
    tools: [
      ['xvfb-run', 'xvfb xauth'],
      ['dbus-run-session', 'dbus (dbus-daemon)'],
    ],
    wrapper: ['xvfb-run', '-a', 'dbus-run-session', '--'],
  },
  sway: {
    tools: [
      ['sway', 'sway'],
      ['waybar', 'waybar'],
      ['grim', 'grim'],
      ['dbus-daemon', 'dbus'],
      ['dbus-run-session', 'dbus (dbus-daemon)'],
    ],
    wrapper: [process.execPath, join(__dirname, 'support', 'sway-session.js'), '--'],
  },
};

const chosen = process.argv.find((arg) => arg.startsWith('--desktop='))?.slice('--desktop='.length);
if (chosen && !DESKTOPS[chosen]) {
  console.error(`tray tests: unknown desktop "${chosen}" (x11 or sway)`);
  process.exit(2);
}
const jestArgs = process.argv.slice(2).filter((arg) => !arg.startsWith('--desktop='));
const desktops = chosen ? [chosen] : Object.keys(DESKTOPS);

const missing = desktops
  .flatMap((desktop) => DESKTOPS[desktop].tools)
  .filter(([command]) => !onPath(command));
if (missing.length) {
  for (const [command, packages] of missing) {
    console.error(`tray tests: ${command} is not installed (Debian/Ubuntu: apt-get install ${packages})`);
  }
  process.exit(1);
}

const jest = require.resolve('jest/bin/jest');
let failed = false;
for (const desktop of desktops) {
  const [command, ...args] = DESKTOPS[desktop].wrapper;
  console.log(`tray tests: ${desktop}`);
  // The tests' directories, removed after the run (sway-session.js replaces it with one of its own).
  const scratch = mkdtempSync(join(tmpdir(), 'pacman-sync-tray-tests-'));
  const result = spawnSync(
    command,
    [...args, process.execPath, jest, '-c', join(__dirname, '..', 'jest.tray.config.js'), ...jestArgs],
    {
      stdio: 'inherit',
      env: {
        ...process.env,
        TEST_RUN_LABEL: `tray-client-tray-${desktop}`,
        PACMAN_SYNC_TEST_DESKTOP: desktop,
        PACMAN_SYNC_TEST_DESKTOP_SCRATCH: scratch,
      },
    },
  );
  rmSync(scratch, { recursive: true, force: true });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
