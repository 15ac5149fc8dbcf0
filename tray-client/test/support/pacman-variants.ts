import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The pacman installations and users the client's pacman suites run under: Debian's pacman 6.0.2 and the
 * vendored pacman 7.0 (built by the Jest global setup, scripts/build-pacman7.sh), each as root and as an
 * unprivileged desktop user who elevates through real sudo.
 */
export interface PacmanVariant {
  /** `pacman 7.0.0 as the desktop user`: part of every test name of the suites that run the matrix. */
  label: string;
  /** pacman's own version, as `pacman -V` prints it. */
  version: string;
  user: 'root' | 'desktop';
  /** The pacman binary, absolute; pacman-conf is its sibling. */
  command: string;
  /** What a root's pacman.conf [options] adds: pacman 7 gets Arch's `DownloadUser = alpm`. */
  options: string[];
}

/** The environment variable that carries the pacman 7.0 prefix (the build script prints it). */
export const PACMAN7_PREFIX_VARIABLE = 'PACMAN_SYNC_PACMAN7_PREFIX';

/** Every combination, in the order the suites run them. */
export function pacmanVariants(): PacmanVariant[] {
  const installations = [systemPacman(), pacman7()];
  return installations.flatMap((installation) =>
    (['root', 'desktop'] as const).map((user) => ({
      ...installation,
      user,
      label: `pacman ${installation.version} as ${user === 'root' ? 'root' : 'the desktop user'}`,
    })),
  );
}

/** The variant tests outside the matrix use: the distribution's pacman, as root. */
export function defaultVariant(): PacmanVariant {
  return { ...systemPacman(), user: 'root', label: 'system pacman as root' };
}

type Installation = Pick<PacmanVariant, 'version' | 'command' | 'options'>;

const installations = new Map<string, Installation>();

function systemPacman(): Installation {
  return describeInstallation(onPath('pacman') ?? 'pacman', []);
}

function pacman7(): Installation {
  const prefix = process.env[PACMAN7_PREFIX_VARIABLE];
  if (!prefix || !existsSync(join(prefix, 'bin', 'pacman'))) {
    throw new Error(
      `${PACMAN7_PREFIX_VARIABLE} does not name a pacman 7.0 build (${prefix ?? 'unset'}); the Jest global ` +
        'setup builds it with scripts/build-pacman7.sh (see the README, "Run every test")',
    );
  }
  // Arch's default pacman.conf: downloads run as alpm, in pacman's sandbox.
  return describeInstallation(join(prefix, 'bin', 'pacman'), ['DownloadUser = alpm']);
}

function describeInstallation(command: string, options: string[]): Installation {
  const known = installations.get(command);
  if (known) return known;
  const said = execFileSync(command, ['-V'], { env: { ...process.env, LC_ALL: 'C' } }).toString();
  const version = /Pacman v(\S+)/.exec(said)?.[1];
  if (!version) throw new Error(`${command} -V did not print a version:\n${said}`);
  const installation = { version, command, options };
  installations.set(command, installation);
  return installation;
}

function onPath(program: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, program))) return join(dir, program);
  }
  return null;
}
