// Once per tray-client Jest run: what the pacman suites need beyond the Debian packages. It fails the run
// with what to do when something is missing; it never lets a suite skip.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

import { PACMAN7_PREFIX_VARIABLE } from './pacman-variants';
import { createHarness, DESKTOP_USER, HARNESS_VARIABLE } from './privileged-harness';

const REPOSITORY = join(__dirname, '..', '..', '..');

export default function globalSetup(): void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'the tray-client tests run as root: they create throwaway pacman roots, install into them, and run ' +
        `the client as the unprivileged user ${DESKTOP_USER}, elevating through sudo`,
    );
  }
  // Builds pacman 7.0 the first time on this machine (about 15 s), then reuses the prefix.
  try {
    const prefix = execFileSync('bash', [join(REPOSITORY, 'scripts', 'build-pacman7.sh')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    process.env[PACMAN7_PREFIX_VARIABLE] = prefix.toString().trim();
  } catch (error) {
    throw new Error('pacman 7.0 could not be built (scripts/build-pacman7.sh said why above)', {
      cause: error,
    });
  }
  for (const [user, create] of [
    ['alpm', 'useradd --system --no-create-home --home-dir / --shell /usr/sbin/nologin alpm'],
    [DESKTOP_USER, `useradd --no-create-home --home-dir /nonexistent --shell /bin/bash ${DESKTOP_USER}`],
  ]) {
    try {
      execFileSync('id', ['-u', user], { stdio: 'ignore' });
    } catch {
      throw new Error(`user ${user} does not exist; create it (as .ci/run does): ${create}`);
    }
  }
  try {
    accessSync('/usr/bin/sudo', constants.X_OK);
    execFileSync('visudo', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('the desktop-user tests elevate through the real sudo: apt-get install sudo');
  }
  const unreachable = firstClosedDirectory(REPOSITORY);
  if (unreachable) {
    throw new Error(
      `${DESKTOP_USER} runs the client from this checkout but cannot enter ${unreachable}: ` +
        'use a checkout others may read, or chmod o+x that directory',
    );
  }
  process.env[HARNESS_VARIABLE] = createHarness().dir;
}

/** The first directory on the way to the checkout the desktop user cannot enter, or null when it can read it. */
function firstClosedDirectory(path: string): string | null {
  if (desktopUserCan('-r', join(path, 'package.json'))) return null;
  const parts = path.split('/').filter(Boolean);
  for (let index = 1; index <= parts.length; index++) {
    const dir = `/${parts.slice(0, index).join('/')}`;
    if (!desktopUserCan('-x', dir)) return dir;
  }
  return path;
}

/** `test FLAG PATH` as the desktop user: what that user may really do, groups and ACLs included. */
function desktopUserCan(flag: '-r' | '-x', path: string): boolean {
  const user = [`--reuid=${DESKTOP_USER}`, `--regid=${DESKTOP_USER}`, '--init-groups'];
  try {
    execFileSync('setpriv', [...user, 'test', flag, path]);
    return true;
  } catch {
    return false;
  }
}
