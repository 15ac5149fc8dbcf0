import { basename } from 'node:path';

import { isArchLinuxRepository } from '@pacman-sync/shared';

import { PackageFile } from '../pacman/package-files';
import { SyncDbPackage } from '../pacman/alpm-db';

export interface RepositoryContents {
  name: string;
  /** Every `Server` of the repository, in pacman.conf order. */
  servers: string[];
  packages: SyncDbPackage[];
}

export interface PackageSources {
  cache: readonly PackageFile[];
  /** pacman's CacheDir values: `pacman -Sw` finds files in any of them and downloads into the first. */
  cacheDirs: readonly string[];
  repositories: readonly RepositoryContents[];
  archiveUrl: string | null;
  /** Every `Architecture` value of pacman.conf (`auto` resolved), in configuration order. */
  architectures: readonly string[];
}

/**
 * One exact package file and how it reaches `pacman -U`:
 * - `sync`: offered by a repository's database. `pacman -Sw repository/name` (against the private database
 *   copy) first downloads it — trying every Server of the repository in order — or finds it in the cache,
 *   and checks its size, checksum and signature with that repository's SigLevel; `target` is then the file
 *   in the cache.
 * - `file`: a cache file no repository offers any more (a downgrade to a version the mirrors dropped);
 *   pacman -U checks it as every local file, with LocalFileSigLevel.
 * - `archive`: an old build of one of Arch Linux's own packages from the configured archive; `candidates`
 *   are its `.pkg.tar.zst` and `.pkg.tar.xz` URLs (packages built before 2020 are xz), and `target` the
 *   one chosen (the first until the adapter has looked). pacman -U checks it with RemoteFileSigLevel, which
 *   the adapter first compares with the SigLevel of `repository`, the Arch repository the package is from.
 */
export type ResolvedPackage =
  | {
      kind: 'sync';
      source: 'cache' | 'repository';
      /** The repository `pacman -Sw repository/name` fetches it from and checks it against. */
      repository: string;
      target: string;
    }
  | { kind: 'file'; source: 'cache'; repository: null; target: string }
  | { kind: 'archive'; source: 'archive'; repository: string; candidates: string[]; target: string };

const REPOSITORY_FILE = /^[A-Za-z0-9@_+][A-Za-z0-9@._+:-]*\.pkg\.tar(\.[A-Za-z0-9]+)?$/;

/** The archive's compressions, newest first: Arch moved from xz to zstd at the end of 2019. */
export const ARCHIVE_EXTENSIONS = ['.pkg.tar.zst', '.pkg.tar.xz'] as const;

/**
 * Where one exact package version comes from: the local cache first (no download, and the only source of
 * versions the repositories dropped), then a repository offering exactly that version (the planned
 * repository first, then pacman.conf order), then the archive — only for a package the endpoint gets from
 * one of Arch Linux's own repositories (the first repository that has the name). null when none has it.
 */
export function resolvePackage(
  name: string,
  version: string,
  preferredRepository: string | null,
  sources: PackageSources,
): ResolvedPackage | null {
  const ordered = [...sources.repositories].sort(
    (a, b) => Number(b.name === preferredRepository) - Number(a.name === preferredRepository),
  );
  // Repository entries of exactly this version whose file name is safe to use.
  const offers: Array<{ repository: string; filename: string; architecture: string }> = [];
  for (const repository of ordered) {
    const offered = repository.packages.find((pkg) => pkg.name === name && pkg.version === version);
    // The file name comes from a downloaded database: it must name this very package and be a plain name.
    if (
      !offered?.filename ||
      !REPOSITORY_FILE.test(offered.filename) ||
      !offered.filename.startsWith(`${name}-${version}-`)
    )
      continue;
    offers.push({
      repository: repository.name,
      filename: offered.filename,
      architecture: offered.architecture,
    });
  }

  const usable = (architecture: string) =>
    architecture === 'any' || sources.architectures.includes(architecture);
  const cached = sources.cache
    .filter((file) => file.name === name && file.version === version && usable(file.architecture))
    .sort((a, b) => architectureRank(a.architecture, sources) - architectureRank(b.architecture, sources));
  // A cached file a repository still offers under the same name is checked against that repository.
  for (const file of cached) {
    const offer = offers.find((candidate) => candidate.filename === basename(file.path));
    if (offer) return sync('cache', offer.repository, file.path);
  }
  if (cached.length > 0) return { kind: 'file', source: 'cache', repository: null, target: cached[0].path };

  if (offers.length > 0 && sources.cacheDirs.length > 0) {
    const offer = offers.find((candidate) => usable(candidate.architecture)) ?? offers[0];
    return sync(
      'repository',
      offer.repository,
      `${withoutTrailingSlash(sources.cacheDirs[0])}/${offer.filename}`,
    );
  }

  if (sources.archiveUrl) {
    const provider = sources.repositories.find((repository) =>
      repository.packages.some((pkg) => pkg.name === name),
    );
    if (!provider || !isArchLinuxRepository(provider.name, provider.servers[0] ?? '')) return null;
    const architecture = provider.packages.find((pkg) => pkg.name === name)!.architecture;
    const base = `${sources.archiveUrl}/packages/${name[0]}/${name}/${name}-${version}-${architecture}`;
    const candidates = ARCHIVE_EXTENSIONS.map((extension) => `${base}${extension}`);
    return {
      kind: 'archive',
      source: 'archive',
      repository: provider.name,
      candidates,
      target: candidates[0],
    };
  }
  return null;
}

function sync(source: 'cache' | 'repository', repository: string, target: string): ResolvedPackage {
  return { kind: 'sync', source, repository, target };
}

/** pacman.conf's Architecture order, `any` last: which of several cached builds of one version to take. */
function architectureRank(architecture: string, sources: PackageSources): number {
  const index = sources.architectures.indexOf(architecture);
  return index === -1 ? sources.architectures.length : index;
}

function withoutTrailingSlash(path: string): string {
  return path.replace(/(.)\/+$/, '$1');
}
