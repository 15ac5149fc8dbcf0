#!/usr/bin/env node
// A Wayland desktop for tests, as xvfb-run is an X11 one: a private session bus and a headless sway
// (Debian 12: sway 1.7, wlroots' headless backend and pixman renderer, no GPU), then a command run
// inside that session. Usage: node sway-session.js -- COMMAND [ARGS...]
//
// sway refuses to run as root, so a root run starts the bus and sway as the tests' desktop user
// (pacsync-desktop, as in test/support/privileged-harness.ts; .ci/run creates it) and tells
// the command, through PACMAN_SYNC_TEST_DESKTOP_USER, to start the desktop's clients (the tray,
// Waybar, grim) as that user too (test/support/gui-desktop.ts does). The command itself runs as
// the caller and may talk to that bus (its policy admits the caller) and to sway's IPC socket.
//
// The command gets: WAYLAND_DISPLAY (an absolute socket path, so that it does not depend on
// XDG_RUNTIME_DIR), XDG_RUNTIME_DIR, DBUS_SESSION_BUS_ADDRESS, SWAYSOCK, GDK_BACKEND=wayland, no
// DISPLAY (there is no Xwayland: clients must be native), NO_AT_BRIDGE=1, PACMAN_SYNC_TEST_DESKTOP=sway,
// PACMAN_SYNC_TEST_DESKTOP_HOME, a home directory the desktop user owns, and
// PACMAN_SYNC_TEST_DESKTOP_SCRATCH, a directory for the tests' own, removed with the session.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const {
  accessSync,
  chmodSync,
  chownSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} = require('node:fs');
const { tmpdir } = require('node:os');
const { delimiter, join, resolve } = require('node:path');

const DESKTOP_USER_NAME = 'pacsync-desktop';
const START_TIMEOUT_MS = 20000;

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

function fail(message) {
  console.error(`sway session: ${message}`);
  process.exit(1);
}

const separator = process.argv.indexOf('--');
const command = separator >= 0 ? process.argv.slice(separator + 1) : [];
if (!command.length) fail('usage: node sway-session.js -- COMMAND [ARGS...]');

const asRoot = process.getuid() === 0;
const missing = [
  ['sway', 'sway'],
  ['dbus-daemon', 'dbus'],
  ...(asRoot ? [['setpriv', 'util-linux']] : []),
].filter(([tool]) => !onPath(tool));
if (missing.length) {
  fail(
    `missing ${missing.map(([tool]) => tool).join(', ')} (Debian: apt-get install ${missing.map(([, pkg]) => pkg).join(' ')})`,
  );
}

function desktopUser() {
  const id = (flag) => spawnSync('id', [flag, DESKTOP_USER_NAME], { encoding: 'utf8' });
  const [uid, gid] = [id('-u'), id('-g')];
  if (uid.status !== 0 || gid.status !== 0) {
    fail(
      `user ${DESKTOP_USER_NAME} does not exist; create it (as .ci/run does): ` +
        `useradd --no-create-home --home-dir /nonexistent --shell /bin/bash ${DESKTOP_USER_NAME}`,
    );
  }
  return { uid: Number(uid.stdout), gid: Number(gid.stdout), name: DESKTOP_USER_NAME };
}

const user = asRoot ? desktopUser() : { uid: process.getuid(), gid: process.getgid(), name: null };
/** argv prefix that runs a command as the desktop user (nothing when that is already us). */
const asUser = asRoot
  ? ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--']
  : [];

// The desktop user must reach what the command will start as it (the tray fixture, node_modules).
if (asRoot) {
  const probe = resolve(process.cwd());
  const readable = spawnSync(asUser[0], [...asUser.slice(1), 'test', '-r', probe, '-a', '-x', probe]);
  if (readable.status !== 0) {
    fail(
      `${probe} is not readable by ${user.name} (uid ${user.uid}), who runs the desktop's clients: ` +
        'put the checkout where other users can read it, or run the tests as a non-root user',
    );
  }
}

const base = mkdtempSync(join(tmpdir(), 'pacman-sync-sway-'));
chmodSync(base, 0o755);
const runtime = join(base, 'runtime');
const home = join(base, 'home');
const scratch = join(base, 'scratch');
for (const [dir, mode] of [
  [runtime, 0o700],
  [home, 0o755],
  [scratch, 0o755],
]) {
  mkdirSync(dir, { mode });
  chmodSync(dir, mode);
  if (asRoot) chownSync(dir, user.uid, user.gid);
}

// The session bus as dbus-run-session would start it, plus the caller (root) as an allowed user.
const busConfig = join(base, 'session-bus.conf');
writeFileSync(
  busConfig,
  `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <include>/usr/share/dbus-1/session.conf</include>
  <policy context="default"><allow user="${process.getuid()}"/></policy>
</busconfig>
`,
);
const swayConfig = join(base, 'sway.conf');
writeFileSync(
  swayConfig,
  [
    '# A bare headless desktop: one output, no Xwayland, no bar (tests start Waybar themselves).',
    'output HEADLESS-1 resolution 1280x800 background #2e3440 solid_color',
    'xwayland disable',
    'default_border normal 2',
    '',
  ].join('\n'),
);
for (const file of [busConfig, swayConfig]) chmodSync(file, 0o644);

const children = [];
let cleanedUp = false;
function cleanup() {
  if (cleanedUp) return;
  cleanedUp = true;
  for (const child of children.reverse()) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
  rmSync(base, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    cleanup();
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
  });
}

const desktopEnv = {
  PATH: process.env.PATH || '/usr/bin:/bin',
  HOME: home,
  XDG_RUNTIME_DIR: runtime,
  LANG: process.env.LANG || 'C.UTF-8',
};

function startAsUser(argv, env, log) {
  const [file, ...args] = [...asUser, ...argv];
  const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk).slice(-20000);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  child.on('exit', (code, signal) => {
    if (!cleanedUp) console.error(`sway session: ${log} exited early (${signal ?? code}):\n${output}`);
  });
  return { child, output: () => output };
}

function waitFor(what, probe, started) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  return new Promise((resolvePromise, reject) => {
    const poll = () => {
      const value = probe();
      if (value) return resolvePromise(value);
      if (Date.now() > deadline) {
        return reject(new Error(`no ${what} within ${START_TIMEOUT_MS} ms:\n${started.output()}`));
      }
      setTimeout(poll, 50);
    };
    poll();
  });
}

function socketIn(dir, pattern) {
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    if (pattern.test(name) && statSync(join(dir, name)).isSocket()) return join(dir, name);
  }
  return null;
}

async function main() {
  const bus = startAsUser(
    ['dbus-daemon', `--config-file=${busConfig}`, '--nofork', '--print-address=1'],
    desktopEnv,
    'dbus-daemon',
  );
  const busAddress = await waitFor('session bus address', () => bus.output().split('\n')[0].trim(), bus);

  const sway = startAsUser(
    ['sway', '-c', swayConfig],
    {
      ...desktopEnv,
      DBUS_SESSION_BUS_ADDRESS: busAddress,
      WLR_BACKENDS: 'headless',
      WLR_LIBINPUT_NO_DEVICES: '1',
      WLR_RENDERER: 'pixman',
    },
    'sway',
  );
  const wayland = await waitFor('Wayland socket', () => socketIn(runtime, /^wayland-\d+$/), sway);
  const swaysock = await waitFor('sway IPC socket', () => socketIn(runtime, /^sway-ipc\..*\.sock$/), sway);
  // sway answers on its IPC socket once its outputs are up.
  await waitFor(
    'sway output',
    () =>
      spawnSync('swaymsg', ['-s', swaysock, '-t', 'get_outputs'], { encoding: 'utf8' }).stdout?.includes(
        'HEADLESS-',
      ),
    sway,
  );

  const env = { ...process.env };
  delete env.DISPLAY;
  Object.assign(env, {
    WAYLAND_DISPLAY: wayland,
    XDG_RUNTIME_DIR: runtime,
    DBUS_SESSION_BUS_ADDRESS: busAddress,
    SWAYSOCK: swaysock,
    GDK_BACKEND: 'wayland',
    // Without it every GTK client (Waybar, the tray) starts its own accessibility bus.
    NO_AT_BRIDGE: '1',
    PACMAN_SYNC_TEST_DESKTOP: 'sway',
    PACMAN_SYNC_TEST_DESKTOP_HOME: home,
    // Where tests make their directories; removed with the session.
    PACMAN_SYNC_TEST_DESKTOP_SCRATCH: scratch,
  });
  if (asRoot) env.PACMAN_SYNC_TEST_DESKTOP_USER = `${user.uid}:${user.gid}`;
  else delete env.PACMAN_SYNC_TEST_DESKTOP_USER;

  const run = spawn(command[0], command.slice(1), { env, stdio: 'inherit' });
  const code = await new Promise((resolvePromise) =>
    run.on('exit', (exitCode, signal) => resolvePromise(exitCode ?? (signal ? 1 : 0))),
  );
  cleanup();
  process.exit(code);
}

main().catch((error) => {
  cleanup();
  fail(error.message);
});
