// A 1,500-package root for the client benchmark, written the fast way (see generateLargeRoot).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PACKAGES = 1500;
const FOREIGN_EVERY = 15; // about 100 of the 1,500 come from no repository, like AUR packages

export interface LargeRoot {
  root: string;
  dbpath: string;
  config: string;
}

function benchPackage(i: number) {
  // Like every Arch system, the root has pacman itself installed.
  if (i === 0)
    return { name: 'pacman', version: '6.0.2-9', depends: ['glibc'], size: 4796416, asDependency: false };
  const name = `bench-${String(i).padStart(4, '0')}-lib${i % 10 === 0 ? '-dev' : ''}`;
  const version = `${1 + (i % 5)}.${i % 13}.${i % 7}-${1 + (i % 3)}`;
  const depends =
    i > 2
      ? [`bench-${String(i - 1).padStart(4, '0')}-lib${(i - 1) % 10 === 0 ? '-dev' : ''}>=1`, 'glibc']
      : [];
  return { name, version, depends, size: 1024 * (i + 1), asDependency: i % 3 !== 0 };
}

/**
 * Writes a 1,500-package root the fast way: the local database's desc/files entries directly, as libalpm
 * writes them, and a sync database (tar.gz of desc files) holding all but the "foreign" ones.
 */
export function generateLargeRoot(base: string): LargeRoot {
  const root = join(base, 'root');
  const dbpath = join(root, 'var/lib/pacman');
  const local = join(dbpath, 'local');
  const syncContent = join(base, 'sync-content');
  mkdirSync(local, { recursive: true });
  mkdirSync(join(dbpath, 'sync'), { recursive: true });
  writeFileSync(join(local, 'ALPM_DB_VERSION'), '9\n');
  for (let i = 0; i < PACKAGES; i++) {
    const pkg = benchPackage(i);
    const dir = join(local, `${pkg.name}-${pkg.version}`);
    mkdirSync(dir);
    const desc = [
      `%NAME%\n${pkg.name}\n`,
      `%VERSION%\n${pkg.version}\n`,
      `%BASE%\n${pkg.name}\n`,
      `%DESC%\nbenchmark package ${i}\n`,
      `%ARCH%\nx86_64\n`,
      `%BUILDDATE%\n1700000000\n`,
      `%INSTALLDATE%\n1700000100\n`,
      `%PACKAGER%\nbench <bench@example.org>\n`,
      `%SIZE%\n${pkg.size}\n`,
      ...(pkg.asDependency ? ['%REASON%\n1\n'] : []),
      `%VALIDATION%\nnone\n`,
      ...(pkg.depends.length ? [`%DEPENDS%\n${pkg.depends.join('\n')}\n`] : []),
    ].join('\n');
    writeFileSync(join(dir, 'desc'), `${desc}\n`);
    writeFileSync(
      join(dir, 'files'),
      `%FILES%\nusr/\nusr/share/\nusr/share/${pkg.name}/\nusr/share/${pkg.name}/README\n\n`,
    );
    if (i % FOREIGN_EVERY !== 0) {
      const syncDir = join(syncContent, `${pkg.name}-${pkg.version}`);
      mkdirSync(syncDir, { recursive: true });
      writeFileSync(
        join(syncDir, 'desc'),
        `%FILENAME%\n${pkg.name}-${pkg.version}-x86_64.pkg.tar.zst\n\n%NAME%\n${pkg.name}\n\n%VERSION%\n${pkg.version}\n\n%ARCH%\nx86_64\n\n`,
      );
    }
  }
  // Entries must be named `<name>-<version>/desc`, without bsdtar's "./" prefix, or libalpm rejects them.
  execFileSync('bsdtar', [
    '-czf',
    join(dbpath, 'sync', 'arch.db'),
    '-C',
    syncContent,
    ...readdirSync(syncContent),
  ]);
  const config = join(base, 'pacman.conf');
  writeFileSync(
    config,
    '[options]\nArchitecture = auto\nSigLevel = Never\n\n[arch]\nServer = file:///nonexistent\n',
  );
  return { root, dbpath, config };
}
