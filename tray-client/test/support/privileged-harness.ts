import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

import type { GlobalOptions } from '../../src/core/pacman/privileged-protocol';

/**
 * What the tests need to run pacman-sync-privileged as a real system would: a root-owned copy of the entry
 * point that runs the sources under test, its own privileged.conf, a sudoers drop-in that lets the desktop
 * user start exactly that entry point without a password, and a `sudo` early in PATH that counts each
 * elevation and then execs the real /usr/bin/sudo. The Jest global setup creates it once per run.
 */
export const DESKTOP_USER = 'pacsync-desktop';
export const HARNESS_VARIABLE = 'PACMAN_SYNC_TEST_PRIVILEGED';
/** Where the counting sudo appends one line per elevation (each client sets its own file). */
export const SUDO_LOG_VARIABLE = 'PACMAN_SYNC_TEST_SUDO_LOG';

const SUDOERS_DIR = '/etc/sudoers.d';
const SUDOERS_PREFIX = 'pacman-sync-tests-';
const REPOSITORY = join(__dirname, '..', '..', '..');

export interface PrivilegedHarness {
  dir: string;
  /** The entry point the desktop user may run through sudo (the adapter's privilegedEntryPoint). */
  entryPoint: string;
  /** The administrator's file this run's entry point reads. */
  configFile: string;
  /** Holds the counting `sudo`; put it first in PATH. */
  binDir: string;
}

export function harness(): PrivilegedHarness {
  const dir = process.env[HARNESS_VARIABLE];
  if (!dir || !existsSync(dir)) {
    throw new Error(
      `${HARNESS_VARIABLE} is not set: the tray-client Jest global setup creates the privileged harness`,
    );
  }
  return paths(dir);
}

function paths(dir: string): PrivilegedHarness {
  return {
    dir,
    entryPoint: join(dir, 'pacman-sync-privileged'),
    configFile: join(dir, 'privileged.conf'),
    binDir: join(dir, 'bin'),
  };
}

/** Creates the harness (as root); returns its paths. */
export function createHarness(): PrivilegedHarness {
  removeStaleDropIns();
  const created = paths(mkdtempSync(join(tmpdir(), 'pacman-sync-privileged-')));
  // Root's, like /usr/lib/pacman-sync: the desktop user may run the entry point and read, never write.
  chmodSync(created.dir, 0o755);
  execFileSync('mkdir', ['-m', '0755', created.binDir]);
  const register = join(REPOSITORY, 'tray-client', 'bench', 'register.js');
  const entry = join(REPOSITORY, 'tray-client', 'test', 'support', 'privileged-test-entry.ts');
  writeExecutable(
    created.entryPoint,
    [
      '#!/bin/sh',
      "# pacman-sync-privileged for the tests: the sources under test, with this run's privileged.conf,",
      '# started the way ops/pkgbuild/pacman-sync-privileged starts the installed one (a clean environment).',
      `exec /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \\`,
      `  '${process.execPath}' -r '${register}' '${entry}' '${created.configFile}' "$@"`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    created.configFile,
    [
      '# pacman-sync tests: each test root a desktop user syncs adds its section.',
      "# The desktop user may never change this machine's own packages: its pacman here is one that fails.",
      '[system]',
      'command = /bin/false',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  writeExecutable(
    join(created.binDir, 'sudo'),
    [
      '#!/bin/sh',
      '# Counts the elevations of a pacman-sync test client, then is the real sudo.',
      `[ -n "$${SUDO_LOG_VARIABLE}" ] && printf '%s\\n' "$*" >> "$${SUDO_LOG_VARIABLE}"`,
      'exec /usr/bin/sudo "$@"',
      '',
    ].join('\n'),
  );
  const dropIn = join(
    SUDOERS_DIR,
    `${SUDOERS_PREFIX}${basename(created.dir).replace(/[^A-Za-z0-9_-]/g, '_')}`,
  );
  const staged = join(created.dir, 'sudoers');
  writeFileSync(
    staged,
    [
      `# pacman-sync tests (${created.dir}): removed when the run ends.`,
      `# The desktop user may start this run's pacman-sync-privileged, and nothing else, without a password.`,
      `${DESKTOP_USER} ALL=(root) NOPASSWD: ${created.entryPoint}`,
      '',
    ].join('\n'),
    { mode: 0o440 },
  );
  execFileSync('visudo', ['-cqf', staged]);
  execFileSync('cp', ['--preserve=mode', staged, `${dropIn}.new`]);
  renameSync(`${dropIn}.new`, dropIn);
  return created;
}

export function removeHarness(dir: string): void {
  for (const file of readdirSync(SUDOERS_DIR)) {
    if (!file.startsWith(SUDOERS_PREFIX)) continue;
    const path = join(SUDOERS_DIR, file);
    if (readFileSync(path, 'utf8').includes(`(${dir})`)) rmSync(path, { force: true });
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Drop-ins of earlier runs that were killed before their teardown. */
function removeStaleDropIns(): void {
  for (const file of readdirSync(SUDOERS_DIR)) {
    if (!file.startsWith(SUDOERS_PREFIX)) continue;
    const path = join(SUDOERS_DIR, file);
    const dir = /^# pacman-sync tests \((.*)\)/.exec(readFileSync(path, 'utf8'))?.[1];
    if (!dir || !existsSync(dir)) rmSync(path, { force: true });
  }
}

/**
 * Lets the desktop user's client have pacman-sync-privileged change this root (as an administrator would,
 * one section of privileged.conf), with exactly the options the client passes.
 */
export function allowRoot(name: string, command: string, globals: GlobalOptions): void {
  const lines = [`[${name}]`, `command = ${command}`];
  for (const [option, value] of Object.entries(globals)) lines.push(`${option} = ${value}`);
  // Appends are atomic at this size, so Jest workers can add their roots at the same time.
  appendFileSync(harness().configFile, `\n${lines.join('\n')}\n`);
}

function writeExecutable(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o755 });
  chmodSync(path, 0o755);
}
