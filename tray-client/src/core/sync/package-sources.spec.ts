import { SyncDbPackage } from '../pacman/alpm-db';
import { PackageFile } from '../pacman/package-files';
import { PackageSources, RepositoryContents, resolvePackage } from './package-sources';

const entry = (name: string, version: string, architecture = 'x86_64'): SyncDbPackage => ({
  name,
  version,
  architecture,
  filename: `${name}-${version}-${architecture}.pkg.tar.zst`,
  conflicts: [],
  provides: [],
  groups: [],
});
const repository = (name: string, server: string, ...packages: SyncDbPackage[]): RepositoryContents => ({
  name,
  servers: [server, 'https://second.mirror.example/'],
  packages,
});
const cacheFile = (name: string, version: string, architecture: string): PackageFile => ({
  name,
  version,
  architecture,
  path: `/var/cache/pacman/pkg/${name}-${version}-${architecture}.pkg.tar.zst`,
});
const ARCH_CORE = 'https://geo.mirror.pkgbuild.com/core/os/x86_64';
const MANJARO_CORE = 'https://mirrors.manjaro.org/repo/stable/core/x86_64';

function sources(overrides: Partial<PackageSources>): PackageSources {
  return {
    cache: [],
    cacheDirs: ['/var/cache/pacman/pkg/', '/mnt/shared-cache'],
    repositories: [],
    archiveUrl: 'https://archive.archlinux.org',
    architectures: ['x86_64'],
    ...overrides,
  };
}

describe('resolvePackage', () => {
  it("downloads a repository's file into the first cache directory through pacman -Sw", () => {
    expect(
      resolvePackage(
        'glibc',
        '2.40-1',
        null,
        sources({ repositories: [repository('core', ARCH_CORE, entry('glibc', '2.40-1'))] }),
      ),
    ).toEqual({
      kind: 'sync',
      source: 'repository',
      repository: 'core',
      target: '/var/cache/pacman/pkg/glibc-2.40-1-x86_64.pkg.tar.zst',
    });
  });

  it('checks a cached file against the repository that still offers it, and leaves the others to LocalFileSigLevel', () => {
    const offered = cacheFile('glibc', '2.40-1', 'x86_64');
    const dropped = cacheFile('glibc', '2.39-1', 'x86_64');
    const world = sources({
      cache: [offered, dropped],
      repositories: [repository('core', ARCH_CORE, entry('glibc', '2.40-1'))],
    });
    expect(resolvePackage('glibc', '2.40-1', null, world)).toMatchObject({
      kind: 'sync',
      source: 'cache',
      repository: 'core',
      target: offered.path,
    });
    expect(resolvePackage('glibc', '2.39-1', null, world)).toEqual({
      kind: 'file',
      source: 'cache',
      repository: null,
      target: dropped.path,
    });
  });

  it('takes cached files of every Architecture value, in configuration order, and of no other', () => {
    const v3 = cacheFile('fastmath', '1.0-1', 'x86_64_v3');
    const arm = cacheFile('fastmath', '1.0-1', 'aarch64');
    const multi = sources({ cache: [arm, v3], architectures: ['x86_64', 'x86_64_v3'], archiveUrl: null });
    expect(resolvePackage('fastmath', '1.0-1', null, multi)).toMatchObject({ kind: 'file', target: v3.path });
    expect(resolvePackage('fastmath', '1.0-1', null, { ...multi, architectures: ['x86_64'] })).toBeNull();
    const plain = cacheFile('fastmath', '1.0-1', 'x86_64');
    expect(resolvePackage('fastmath', '1.0-1', null, { ...multi, cache: [v3, plain] })).toMatchObject({
      target: plain.path,
    });
  });

  it('offers the archive, .zst then .xz, only for a package whose provider is one of Arch Linux’s repositories', () => {
    const world = sources({
      repositories: [
        repository(
          'cachyos-core-v3',
          'https://mirror.cachyos.org/repo/x86_64_v3/cachyos-core-v3',
          entry('zstd', '1.5.6-2', 'x86_64_v3'),
        ),
        repository(
          'core',
          ARCH_CORE,
          entry('glibc', '2.40-1'),
          entry('zstd', '1.5.6-1'),
          entry('tzdata', '2024b-1', 'any'),
        ),
      ],
    });
    expect(resolvePackage('glibc', '2.38-7', null, world)).toEqual({
      kind: 'archive',
      source: 'archive',
      repository: 'core',
      candidates: [
        'https://archive.archlinux.org/packages/g/glibc/glibc-2.38-7-x86_64.pkg.tar.zst',
        'https://archive.archlinux.org/packages/g/glibc/glibc-2.38-7-x86_64.pkg.tar.xz',
      ],
      target: 'https://archive.archlinux.org/packages/g/glibc/glibc-2.38-7-x86_64.pkg.tar.zst',
    });
    expect(resolvePackage('tzdata', '2023c-1', null, world)).toMatchObject({
      target: 'https://archive.archlinux.org/packages/t/tzdata/tzdata-2023c-1-any.pkg.tar.zst',
    });
    // CachyOS's build comes first: its old versions are not in the archive.
    expect(resolvePackage('zstd', '1.5.5-1', null, world)).toBeNull();
    // A package no repository knows, and Manjaro's core, are not either.
    expect(resolvePackage('yay', '12.0-1', null, world)).toBeNull();
    const manjaro = sources({ repositories: [repository('core', MANJARO_CORE, entry('glibc', '2.40-1'))] });
    expect(resolvePackage('glibc', '2.38-7', null, manjaro)).toBeNull();
  });

  it('prefers the planned repository, and never takes a file name that is not this package', () => {
    const world = sources({
      repositories: [
        repository('core', ARCH_CORE, entry('tool', '1.0-1')),
        repository('custom', 'https://repo.example/custom', entry('tool', '1.0-1')),
        repository('evil', 'https://repo.example/evil', {
          ...entry('tool', '2.0-1'),
          filename: '../../etc/passwd',
        }),
      ],
      archiveUrl: null,
    });
    expect(resolvePackage('tool', '1.0-1', 'custom', world)).toMatchObject({
      kind: 'sync',
      repository: 'custom',
    });
    expect(resolvePackage('tool', '1.0-1', null, world)).toMatchObject({ kind: 'sync', repository: 'core' });
    expect(resolvePackage('tool', '2.0-1', 'evil', world)).toBeNull();
  });
});
