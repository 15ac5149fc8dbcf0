import { lstatSync, readFileSync, Stats } from 'node:fs';
import { dirname } from 'node:path';

import { ConfigError, parseIni } from '../core/config/ini';
import {
  GLOBAL_OPTIONS,
  GlobalOption,
  GlobalOptions,
  isNormalAbsolutePath,
} from '../core/pacman/privileged-protocol';

/** One set of pacman options pacman-sync-privileged may run pacman with, and the pacman it runs. */
export interface PrivilegedTarget {
  /** The section that allows it (`system` for the machine itself). */
  name: string;
  command: string;
  globals: GlobalOptions;
}

export interface PrivilegedConfig {
  targets: PrivilegedTarget[];
}

export const DEFAULT_PACMAN_COMMAND = '/usr/bin/pacman';

/** The request names pacman options no section of the administrator's file allows. */
export class TargetNotAllowedError extends Error {
  override readonly name = 'TargetNotAllowedError';
}

/**
 * The administrator's file (root's, like sudoers): which pacman runs, and which managed roots a client
 * that is not root may have changed. Without the file only the system itself, with /usr/bin/pacman.
 *
 *   [system]
 *   command = /usr/bin/pacman
 *
 *   [build-chroot]
 *   root = /srv/build-chroot
 *   config = /srv/build-chroot/etc/pacman.conf
 *
 * A section other than [system] allows exactly the options it sets (any of root, dbpath, config,
 * cachedir, hookdir, logfile), with its own command or [system]'s. The file and every directory above it
 * must belong to root and be writable by nobody else (a sticky directory such as /tmp excepted), or
 * nothing is allowed: whoever could write it could run anything as root.
 */
export function loadPrivilegedConfig(file: string): PrivilegedConfig {
  let stats: Stats;
  try {
    stats = lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return parsePrivilegedConfig('', file);
    throw error;
  }
  if (!stats.isFile()) throw new ConfigError(`${file}: not a regular file`);
  assertOnlyRootWrites(file, stats);
  return parsePrivilegedConfig(readFileSync(file, 'utf8'), file);
}

function assertOnlyRootWrites(file: string, stats: Stats): void {
  if (stats.uid !== 0 || (stats.mode & 0o022) !== 0) {
    throw new ConfigError(`${file}: must belong to root and be writable by root only`);
  }
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const parent = lstatSync(dir);
    const sticky = (parent.mode & 0o1000) !== 0;
    if (parent.uid !== 0 || ((parent.mode & 0o022) !== 0 && !sticky)) {
      throw new ConfigError(`${file}: ${dir} must belong to root and be writable by root only`);
    }
    if (dir === '/') break;
  }
}

export function parsePrivilegedConfig(text: string, file: string): PrivilegedConfig {
  const document = parseIni(text, file);
  const sections = new Map<string, { line: number; values: Map<string, string> }>();
  for (const section of document.sections) {
    if (sections.has(section.name)) {
      throw new ConfigError(`${file}:${section.line}: [${section.name}] appears twice`);
    }
    sections.set(section.name, { line: section.line, values: new Map() });
  }
  for (const entry of document.entries) {
    const allowed = entry.section === 'system' ? ['command'] : ['command', ...GLOBAL_OPTIONS];
    if (!allowed.includes(entry.key)) {
      throw new ConfigError(`${file}:${entry.line}: [${entry.section}] ${entry.key} is not a known key`);
    }
    if (!isNormalAbsolutePath(entry.value)) {
      throw new ConfigError(
        `${file}:${entry.line}: [${entry.section}] ${entry.key} must be an absolute path`,
      );
    }
    sections.get(entry.section)?.values.set(entry.key, entry.value);
  }
  const systemCommand = sections.get('system')?.values.get('command') ?? DEFAULT_PACMAN_COMMAND;
  const targets: PrivilegedTarget[] = [{ name: 'system', command: systemCommand, globals: {} }];
  for (const [name, section] of sections) {
    if (name === 'system') continue;
    const globals: GlobalOptions = {};
    for (const option of GLOBAL_OPTIONS) {
      const value = section.values.get(option);
      if (value !== undefined) globals[option] = value;
    }
    if (Object.keys(globals).length === 0) {
      throw new ConfigError(`${file}:${section.line}: [${name}] sets none of ${GLOBAL_OPTIONS.join(', ')}`);
    }
    const twin = targets.find((target) => sameGlobals(target.globals, globals));
    if (twin)
      throw new ConfigError(`${file}:${section.line}: [${name}] allows the same options as [${twin.name}]`);
    targets.push({ name, command: section.values.get('command') ?? systemCommand, globals });
  }
  return { targets };
}

/** The target whose options are exactly these; a request may neither add nor leave out one. */
export function findTarget(config: PrivilegedConfig, globals: GlobalOptions): PrivilegedTarget {
  const target = config.targets.find((candidate) => sameGlobals(candidate.globals, globals));
  if (!target) {
    const given = GLOBAL_OPTIONS.filter((option) => globals[option] !== undefined)
      .map((option) => `--${option}=${globals[option]}`)
      .join(' ');
    throw new TargetNotAllowedError(
      `no section of the administrator's configuration allows the pacman options ${given}`,
    );
  }
  return target;
}

function sameGlobals(a: GlobalOptions, b: GlobalOptions): boolean {
  return GLOBAL_OPTIONS.every((option: GlobalOption) => a[option] === b[option]);
}
