// The pacman hook in ops/ is read and triggered by the real pacman: a hook pacman cannot parse would be
// skipped with only a warning, and the client would never hear of transactions.
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { libx1, libx2 } from './support/packages';
import { buildPackage, useTestRoot } from './support/pacman-fixture';

const HOOK = join(__dirname, '..', '..', 'ops', 'pacman-hook', 'pacman-sync.hook');

describe('ops/pacman-hook/pacman-sync.hook', () => {
  const root = useTestRoot({
    repositories: [],
    prepare: (fresh) => copyFileSync(HOOK, join(fresh.hookdir, 'pacman-sync.hook')),
  });

  it('is parsed by pacman and runs after installs, upgrades and removals', () => {
    const outputs = [
      root().pacman(['-U', '--', buildPackage(libx1)]),
      root().pacman(['-U', '--', buildPackage(libx2)]),
      root().pacman(['-R', '--', 'libx']),
    ];
    for (const output of outputs) {
      expect(output).toContain('Running post-transaction hooks...');
      expect(output).toMatch(/Signalling pacman-sync that the installed packages changed/);
      expect(output).not.toMatch(/invalid|unknown|error: hook/i);
    }
    const log = readFileSync(root().logfile, 'utf8');
    expect(log.match(/running 'pacman-sync\.hook'/g)).toHaveLength(3);
  });

  it('only signals: a fixed command that touches the stamp, never pacman itself', () => {
    const settings = readFileSync(HOOK, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));
    const exec = settings.filter((line) => line.startsWith('Exec'));
    expect(exec).toEqual([
      "Exec = /bin/sh -c 'umask 022 && mkdir -p /run/pacman-sync && touch /run/pacman-sync/transaction.stamp'",
    ]);
    expect(settings).not.toContainEqual(expect.stringMatching(/NeedsTargets|AbortOnFail/));
    expect(settings).toContain('When = PostTransaction');
  });
});
