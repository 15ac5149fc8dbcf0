import { PackageSource } from '@pacman-sync/shared';

import { PackageFile } from '../pacman/package-files';
import { SyncDbPackage } from '../pacman/alpm-db';

export interface RepositoryContents {
  name: string;
  servers: string[];
  packages: SyncDbPackage[];
}

export interface PackageSources {
  cache: readonly PackageFile[];
  repositories: readonly RepositoryContents[];
  archiveUrl: string | null;
  /** The system's architecture (pacman's Architecture), for archive file names. */
  architecture: string;
  /** Architectures the endpoint already knows each package under, so an `any` package is fetched as `any`. */
  knownArchitectures: ReadonlyMap<string, string>;
}

export interface ResolvedPackage {
  /** An absolute file path or a URL, exactly what goes on pacman -U's command line. */
  target: string;
  source: PackageSource;
  repository: string | null;
}

const REPOSITORY_FILE = /^[A-Za-z0-9@_+][A-Za-z0-9@._+:-]*\.pkg\.tar(\.[A-Za-z0-9]+)?$/;

/**
 * Where one exact package version comes from: the local cache first (no download, and the only
 * source of versions the repositories dropped), then a repository server offering exactly that
 * version (the planned repository first), then the archive. null when none of them has it.
 */
export function resolvePackage(
  name: string,
  version: string,
  preferredRepository: string | null,
  sources: PackageSources,
): ResolvedPackage | null {
  const cached = sources.cache.find(
    (file) =>
      file.name === name &&
      file.version === version &&
      (file.architecture === sources.architecture || file.architecture === 'any'),
  );
  if (cached) return { target: cached.path, source: 'cache', repository: null };

  const ordered = [...sources.repositories].sort(
    (a, b) => Number(b.name === preferredRepository) - Number(a.name === preferredRepository),
  );
  for (const repository of ordered) {
    const offered = repository.packages.find((pkg) => pkg.name === name && pkg.version === version);
    const server = repository.servers[0];
    if (!offered || !server || !offered.filename) continue;
    // The file name comes from a downloaded database: it must name this very package and be a plain name.
    if (!REPOSITORY_FILE.test(offered.filename) || !offered.filename.startsWith(`${name}-${version}-`))
      continue;
    return {
      target: `${server.replace(/\/+$/, '')}/${offered.filename}`,
      source: 'repository',
      repository: repository.name,
    };
  }

  if (sources.archiveUrl) {
    const architecture = sources.knownArchitectures.get(name) === 'any' ? 'any' : sources.architecture;
    return {
      target: `${sources.archiveUrl}/packages/${name[0]}/${name}/${name}-${version}-${architecture}.pkg.tar.zst`,
      source: 'archive',
      repository: null,
    };
  }
  return null;
}
