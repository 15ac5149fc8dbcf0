import { DEFAULT_PACMAN_CONFIG, PacmanConfig } from '../config/client-config';
import { PacmanAdapter } from './pacman-adapter';
import { ProcessRunner } from './process-runner';

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
