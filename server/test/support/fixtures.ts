import type { PackageState, RepositoryReport, SystemState } from '@pacman-sync/shared';

/** A small deterministic PRNG so fixtures are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REAL_NAMES = [
  'linux',
  'linux-firmware',
  'glibc',
  'gcc-libs',
  'systemd',
  'pacman',
  'bash',
  'coreutils',
  'openssl',
  'python',
  'mesa',
  'nvidia-utils',
  'firefox',
  'xorg-server',
  'gtk3',
  'qt6-base',
  'libc++',
  'r8168-dkms',
  'ttf-dejavu',
  'zstd',
];

/**
 * A realistic state of `count` packages: real-looking names, `[epoch:]ver-rel` versions, dependencies,
 * both install reasons, a few foreign (`local`) packages. `version(name, base)` lets callers vary versions.
 */
export function makeState(
  count: number,
  options: { seed?: number; version?: (name: string, base: string) => string | null } = {},
): SystemState {
  const random = seededRandom(options.seed ?? 1);
  const names = [...REAL_NAMES];
  for (let i = 0; names.length < count; i++) names.push(`lib${['foo', 'bar', 'baz', 'qux'][i % 4]}-${i}`);
  const packages: PackageState[] = [];
  for (const [index, name] of names.slice(0, count).entries()) {
    const base = `${1 + (index % 7)}.${index % 13}.${index % 5}-${1 + (index % 3)}`;
    const version = options.version ? options.version(name, base) : base;
    if (version === null) continue;
    packages.push({
      package_name: name,
      version: index % 97 === 0 ? `1:${version}` : version,
      repository: index % 150 === 149 ? 'local' : ['core', 'extra', 'multilib'][index % 3],
      installed_size: Math.floor(random() * 50_000_000),
      dependencies: index > 3 ? [names[index % 4], `${names[(index * 7) % Math.max(1, index)]}>=1.0`] : [],
      install_reason: index % 4 === 0 ? 'explicit' : 'dependency',
    });
  }
  return { pacman_version: '7.0.0', architecture: 'x86_64', packages };
}

/** Repositories offering every package of the given states at each of their versions. */
export function repositoriesOffering(...states: SystemState[]): RepositoryReport[] {
  const byRepo = new Map<string, Map<string, { name: string; version: string; architecture: string }>>();
  for (const state of states) {
    for (const pkg of state.packages) {
      if (pkg.repository === 'local') continue;
      const repo = byRepo.get(pkg.repository) ?? new Map();
      repo.set(`${pkg.package_name}@${pkg.version}`, {
        name: pkg.package_name,
        version: pkg.version,
        architecture: 'x86_64',
      });
      byRepo.set(pkg.repository, repo);
    }
  }
  return ['core', 'extra', 'multilib']
    .filter((name) => byRepo.has(name))
    .map((name) => ({
      repo_name: name,
      repo_url: `https://mirror.example.org/${name}/os/x86_64`,
      packages: [...byRepo.get(name)!.values()],
    }));
}
