import { chmodSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DEFAULT_PACMAN_CONFIG, PacmanConfig } from '../config/client-config';
import { defaultPrivateDbPath, PacmanAdapter } from './pacman-adapter';
import { ProcessRunner, SpawnProcessRunner } from './process-runner';

const neverRuns: ProcessRunner = {
  run: () => Promise.reject(new Error('no program may start in this test')),
};

function adapter(config: Partial<PacmanConfig>, uid: number, autoPrivilege?: 'sudo' | 'pkexec') {
  return new PacmanAdapter(
    { ...DEFAULT_PACMAN_CONFIG, ...config },
    { uid, autoPrivilege, runner: neverRuns, privateDbPath: '/tmp/unused', env: { PATH: '/usr/bin:/bin' } },
  );
}

describe('PacmanAdapter.elevation', () => {
  const request = { pool: 'lab', packages: 3, globals: {} };
  const entryPoint = '/usr/lib/pacman-sync/pacman-sync-privileged';

  it('runs pacman itself as root under auto, and whenever privilege is none', () => {
    expect(adapter({}, 0).elevation(request)).toBeNull();
    expect(adapter({ privilege: 'none' }, 1000).elevation(request)).toBeNull();
  });

  it('starts the installed pacman-sync-privileged once: sudo for an unprivileged CLI, pkexec when the tray asks', () => {
    expect(adapter({}, 1000).elevation(request)).toEqual({
      program: 'sudo',
      args: ['--', entryPoint, '--pool=lab', '--packages=3'],
    });
    expect(adapter({}, 1000, 'pkexec').elevation(request)).toEqual({
      program: 'pkexec',
      args: [entryPoint, '--pool=lab', '--packages=3'],
    });
  });

  it('passes the managed root as --option=value after the count, and leaves out an unknown pool', () => {
    const managed = adapter(
      {
        root: '/mnt',
        dbpath: '/mnt/db',
        config: '/mnt/pacman.conf',
        cachedir: '/mnt/cache',
        privilege: 'sudo',
      },
      1000,
    );
    expect(managed.elevation({ pool: null, packages: 1, globals: managed.globalOptions() })?.args).toEqual([
      '--',
      entryPoint,
      '--packages=1',
      '--root=/mnt',
      '--dbpath=/mnt/db',
      '--config=/mnt/pacman.conf',
      '--cachedir=/mnt/cache',
    ]);
  });

  it('honours an explicit privilege even as root', () => {
    expect(adapter({ privilege: 'sudo' }, 0).elevation(request)?.program).toBe('sudo');
    expect(adapter({ privilege: 'pkexec' }, 0).elevation(request)?.program).toBe('pkexec');
  });
});

describe('PacmanAdapter.pacmanVersion', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ps-version-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function writePacman(path: string, version: string): void {
    writeFileSync(
      `${path}.new`,
      `#!/bin/sh\necho ' .--.   Pacman v${version} - libalpm v13.0.2'\necho called >> '${dir}/calls'\n`,
    );
    chmodSync(`${path}.new`, 0o755);
    renameSync(`${path}.new`, path);
  }

  it('asks each pacman binary once, and again after the binary is replaced', async () => {
    const pacman = join(dir, 'pacman');
    writePacman(pacman, '6.0.2');
    const make = () =>
      new PacmanAdapter({ ...DEFAULT_PACMAN_CONFIG, command: pacman }, { runner: new SpawnProcessRunner() });
    expect(await make().pacmanVersion()).toBe('6.0.2');
    expect(await make().pacmanVersion()).toBe('6.0.2');
    const calls = () => readFileSync(join(dir, 'calls'), 'utf8').split('\n').filter(Boolean).length;
    expect(calls()).toBe(1);

    // An upgrade installs a new file (pacman extracts to a new inode), which is noticed.
    writePacman(pacman, '7.0.0');
    const adapter = make();
    expect(await adapter.pacmanVersion()).toBe('7.0.0');
    expect(calls()).toBe(2);
  });
});

describe('defaultPrivateDbPath', () => {
  const system = { ...DEFAULT_PACMAN_CONFIG };

  it("keeps a user's copy in their XDG cache, and root's in /var/cache, which pacman 7's download user can enter", () => {
    expect(defaultPrivateDbPath(system, { HOME: '/home/ana' }, 1000)).toBe('/home/ana/.cache/pacman-sync/db');
    expect(defaultPrivateDbPath(system, { HOME: '/root' }, 0)).toBe('/var/cache/pacman-sync/db');
    // The daemon unit sets XDG_CACHE_HOME=/var/cache; an explicit choice is root's to make.
    expect(defaultPrivateDbPath(system, { HOME: '/root', XDG_CACHE_HOME: '/srv/cache' }, 0)).toBe(
      '/srv/cache/pacman-sync/db',
    );
    expect(defaultPrivateDbPath(system, { HOME: '/root', XDG_CACHE_HOME: 'relative' }, 0)).toBe(
      '/var/cache/pacman-sync/db',
    );
  });

  it('gives a managed root a directory of its own beside the system copy', () => {
    const managed = defaultPrivateDbPath({ ...system, root: '/mnt' }, { HOME: '/root' }, 0);
    expect(managed).toMatch(/^\/var\/cache\/pacman-sync\/db\/roots\/[0-9a-f]{16}$/);
  });
});
