import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { findTarget, loadPrivilegedConfig, parsePrivilegedConfig } from './privileged-config';

describe("pacman-sync-privileged's configuration", () => {
  const file = '/etc/pacman-sync/privileged.conf';

  it('allows the system with /usr/bin/pacman when it says nothing', () => {
    const config = parsePrivilegedConfig('', file);
    expect(findTarget(config, {})).toEqual({ name: 'system', command: '/usr/bin/pacman', globals: {} });
    expect(() => findTarget(config, { root: '/mnt' })).toThrow(
      "no section of the administrator's configuration allows the pacman options --root=/mnt",
    );
  });

  it('allows a managed root with exactly the options its section sets, and its own pacman', () => {
    const config = parsePrivilegedConfig(
      [
        '[system]',
        'command = /usr/local/bin/pacman',
        '[chroot]',
        'root = /srv/chroot',
        'config = /srv/chroot/etc/pacman.conf',
        '[other]',
        'command = /opt/pacman/bin/pacman',
        'root = /srv/other',
      ].join('\n'),
      file,
    );
    expect(findTarget(config, { root: '/srv/chroot', config: '/srv/chroot/etc/pacman.conf' }).command).toBe(
      '/usr/local/bin/pacman',
    );
    expect(findTarget(config, { root: '/srv/other' }).command).toBe('/opt/pacman/bin/pacman');
    // Neither more nor fewer options than the section sets.
    expect(() => findTarget(config, { root: '/srv/chroot' })).toThrow('no section');
    expect(() => findTarget(config, { root: '/srv/other', hookdir: '/srv/other/hooks' })).toThrow(
      'no section',
    );
  });

  it('refuses unknown keys, relative paths, empty and duplicate sections', () => {
    expect(() => parsePrivilegedConfig('[system]\nroot = /mnt\n', file)).toThrow(
      '[system] root is not a known key',
    );
    expect(() => parsePrivilegedConfig('[x]\nroot = mnt\n', file)).toThrow('must be an absolute path');
    expect(() => parsePrivilegedConfig('[x]\ncommand = /usr/bin/pacman\n', file)).toThrow('sets none of');
    expect(() => parsePrivilegedConfig('[x]\nroot = /mnt\n[y]\nroot = /mnt\n', file)).toThrow(
      '[y] allows the same options as [x]',
    );
  });

  describe('as a file', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'ps-privileged-'));
      chmodSync(dir, 0o755);
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('is read only when root alone can write it and every directory above it', () => {
      const conf = join(dir, 'privileged.conf');
      writeFileSync(conf, '[x]\nroot = /mnt\n', { mode: 0o644 });
      expect(loadPrivilegedConfig(conf).targets.map((target) => target.name)).toEqual(['system', 'x']);
      chmodSync(conf, 0o666);
      expect(() => loadPrivilegedConfig(conf)).toThrow('must belong to root and be writable by root only');
      chmodSync(conf, 0o644);
      chmodSync(dir, 0o777);
      expect(() => loadPrivilegedConfig(conf)).toThrow(
        `${dir} must belong to root and be writable by root only`,
      );
    });

    it('is absent on most machines, which allows only the system', () => {
      expect(loadPrivilegedConfig(join(dir, 'none.conf')).targets).toEqual([
        { name: 'system', command: '/usr/bin/pacman', globals: {} },
      ]);
    });
  });
});
