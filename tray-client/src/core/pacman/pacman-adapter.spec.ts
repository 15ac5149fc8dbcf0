import { chmodSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DEFAULT_PACMAN_CONFIG, PacmanConfig } from '../config/client-config';
import { PacmanAdapter } from './pacman-adapter';
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

describe('PacmanAdapter.commandLine', () => {
  const targets = ['-U', '--noconfirm', '--', '/cache/foo-1-1-any.pkg.tar.zst'];

  it('passes the configured root, databases, config and cache as --option=value before the operation', () => {
    const line = adapter(
      {
        root: '/mnt',
        dbpath: '/mnt/db',
        config: '/mnt/pacman.conf',
        cachedir: '/mnt/cache',
        privilege: 'none',
      },
      1000,
    ).commandLine(targets, true);
    expect(line).toEqual({
      program: 'pacman',
      args: [
        '--root=/mnt',
        '--dbpath=/mnt/db',
        '--config=/mnt/pacman.conf',
        '--cachedir=/mnt/cache',
        ...targets,
      ],
    });
  });

  it('runs nothing in between as root under auto', () => {
    expect(adapter({}, 0).commandLine(targets, true)).toEqual({ program: 'pacman', args: targets });
  });

  it('uses sudo under auto for an unprivileged CLI, and pkexec with an absolute path when the tray asks', () => {
    expect(adapter({}, 1000).commandLine(targets, true)).toEqual({
      program: 'sudo',
      args: ['--', 'pacman', ...targets],
    });
    expect(adapter({}, 1000, 'pkexec').commandLine(targets, true)).toEqual({
      program: 'pkexec',
      args: ['/usr/bin/pacman', ...targets],
    });
  });

  it('honours an explicit privilege even as root, and never wraps read-only commands', () => {
    expect(adapter({ privilege: 'sudo' }, 0).commandLine(targets, true).program).toBe('sudo');
    expect(adapter({ privilege: 'pkexec', command: '/opt/pacman' }, 0).commandLine(targets, true)).toEqual({
      program: 'pkexec',
      args: ['/opt/pacman', ...targets],
    });
    expect(adapter({ privilege: 'sudo' }, 1000).commandLine(['-Q'], false)).toEqual({
      program: 'pacman',
      args: ['-Q'],
    });
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
