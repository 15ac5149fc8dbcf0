// Realistic Arch-like package sets for the state engine's tests and benchmarks: real-looking names
// (linux, glibc, lib32-*, python-*, …), epochs, pkgrels like 1.1, git snapshot versions, foreign packages
// and dependencies. Everything is derived from a seed, so a failing test can be reproduced exactly.

import {
  DEFAULT_SYNC_POLICY,
  FOREIGN_REPOSITORY,
  type PackageState,
  type RepositoryReport,
  type SyncPolicy,
  type SystemState,
} from '../domain/types';

/** The default sync policy with the fields a test cares about changed. */
export const policy = (overrides: Partial<SyncPolicy> = {}): SyncPolicy => ({
  ...DEFAULT_SYNC_POLICY,
  ...overrides,
});

/** One installed package: an explicit `extra` package of 1 KiB without dependencies unless overridden. */
export const pkg = (
  package_name: string,
  version: string,
  overrides: Partial<PackageState> = {},
): PackageState => ({
  package_name,
  version,
  repository: 'extra',
  installed_size: 1024,
  dependencies: [],
  install_reason: 'explicit',
  ...overrides,
});

/** A state of the given packages on pacman 6.1.0, x86_64. */
export const state = (...packages: PackageState[]): SystemState => ({
  pacman_version: '6.1.0',
  architecture: 'x86_64',
  packages,
});

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

const CORE = [
  'linux',
  'linux-firmware',
  'linux-headers',
  'linux-lts',
  'glibc',
  'gcc-libs',
  'gcc',
  'binutils',
  'systemd',
  'systemd-libs',
  'pacman',
  'pacman-mirrorlist',
  'bash',
  'coreutils',
  'filesystem',
  'openssl',
  'zlib',
  'xz',
  'zstd',
  'util-linux',
  'e2fsprogs',
  'iproute2',
  'sudo',
  'nvidia',
  'nvidia-utils',
  'mesa',
  'wayland',
  'xorg-server',
  'firefox',
  'networkmanager',
];
const FAMILIES: Array<[prefix: string, repository: string]> = [
  ['python-', 'extra'],
  ['lib32-', 'multilib'],
  ['perl-', 'extra'],
  ['qt6-', 'extra'],
  ['xorg-', 'extra'],
  ['ttf-', 'extra'],
  ['haskell-', 'extra'],
  ['kde-', 'extra'],
  ['gst-plugin-', 'extra'],
  ['lib', 'core'],
  ['r-', 'extra'],
  ['go-', 'extra'],
];
const STEMS = [
  'numpy',
  'requests',
  'yaml',
  'six',
  'glib2',
  'mesa',
  'vulkan',
  'pipewire',
  'base',
  'declarative',
  'utils',
  'xkb',
  'dejavu',
  'noto',
  'aeson',
  'text',
  'gtk3',
  'cairo',
  'pango',
  'sqlite',
  'curl',
  'png',
  'jpeg',
  'tiff',
  'webp',
  'x11',
  'xcb',
  'drm',
  'pulse',
  'alsa',
];
const FOREIGN = [
  'yay',
  'paru',
  'google-chrome',
  'visual-studio-code-bin',
  'spotify',
  'zoom',
  'slack-desktop',
];

/** A random `[epoch:]pkgver-pkgrel` with the variety real repositories show. */
export function randomVersion(random: () => number): string {
  const shape = random();
  const int = (max: number) => Math.floor(random() * max);
  let pkgver: string;
  if (shape < 0.1) pkgver = `r${int(3000)}.${int(0xffffff).toString(16).padStart(6, '0')}`;
  else if (shape < 0.2) pkgver = `${int(30)}.${int(20)}${['', 'a', 'b', 'rc1', 'p1'][int(5)]}`;
  else if (shape < 0.25)
    pkgver = `${2020 + int(7)}${String(1 + int(12)).padStart(2, '0')}${String(1 + int(28)).padStart(2, '0')}`;
  else pkgver = `${int(12)}.${int(40)}.${int(30)}`;
  const epoch = random() < 0.05 ? `${1 + int(3)}:` : '';
  const pkgrel = random() < 0.08 ? `${1 + int(4)}.${1 + int(3)}` : `${1 + int(6)}`;
  return `${epoch}${pkgver}-${pkgrel}`;
}

/** An installed state of about `count` packages, `foreignCount` of them foreign, sorted randomly. */
export function generateArchState(seed: number, count = 2000, foreignCount = 7): SystemState {
  const random = seededRandom(seed);
  const names = new Map<string, string>();
  for (const name of CORE) names.set(name, name.startsWith('linux') || name === 'glibc' ? 'core' : 'extra');
  for (let i = 0; names.size < count - foreignCount; i++) {
    const [prefix, repository] = FAMILIES[Math.floor(random() * FAMILIES.length)];
    const stem = STEMS[Math.floor(random() * STEMS.length)];
    const suffix = i < STEMS.length * 3 ? '' : `${Math.floor(random() * 400)}`;
    names.set(`${prefix}${stem}${suffix}`, repository);
  }
  for (let i = 0; i < foreignCount; i++) names.set(FOREIGN[i] ?? `aur-helper-${i}`, FOREIGN_REPOSITORY);

  const allNames = [...names.keys()];
  const packages: PackageState[] = allNames.map((name, index) => ({
    package_name: name,
    version: randomVersion(random),
    repository: names.get(name)!,
    installed_size: Math.floor(random() * 200_000_000),
    dependencies: Array.from({ length: Math.floor(random() * 6) }, () =>
      index === 0 ? 'glibc' : allNames[Math.floor(random() * index)],
    ).filter((dep, i, deps) => deps.indexOf(dep) === i && dep !== name),
    install_reason: random() < 0.15 ? 'explicit' : 'dependency',
  }));
  shuffle(packages, random);
  return { pacman_version: '6.1.0', architecture: 'x86_64', packages };
}

/**
 * A repository index (core, extra, multilib, …) of about `size` entries that offers every non-foreign
 * package of `state` at its version, plus filler packages nobody has installed.
 */
export function generateRepositories(state: SystemState, size: number, seed: number): RepositoryReport[] {
  const random = seededRandom(seed);
  const byName = new Map<string, RepositoryReport>();
  const repositoryFor = (name: string) => {
    let repository = byName.get(name);
    if (!repository) {
      repository = {
        repo_name: name,
        repo_url: `https://mirror.example.org/${name}/os/x86_64`,
        packages: [],
      };
      byName.set(name, repository);
    }
    return repository;
  };
  for (const name of ['core', 'extra', 'multilib']) repositoryFor(name);
  let total = 0;
  for (const pkg of state.packages) {
    if (pkg.repository === FOREIGN_REPOSITORY) continue;
    repositoryFor(pkg.repository).packages.push({
      name: pkg.package_name,
      version: pkg.version,
      architecture: 'x86_64',
    });
    total++;
  }
  const repositories = [...byName.values()];
  for (let i = 0; total < size; i++, total++) {
    const repository = repositories[Math.floor(random() * repositories.length)];
    repository.packages.push({
      name: `${STEMS[i % STEMS.length]}-filler-${i}`,
      version: randomVersion(random),
      architecture: random() < 0.2 ? 'any' : 'x86_64',
    });
  }
  for (const repository of repositories) shuffle(repository.packages, random);
  return repositories;
}

/** A version vercmp orders strictly above `version` (bumps the pkgrel's leading number). */
export function newerVersion(version: string): string {
  const dash = version.lastIndexOf('-');
  const pkgrel = version.slice(dash + 1);
  const major = Number.parseInt(pkgrel, 10);
  return `${version.slice(0, dash)}-${major + 1}`;
}

/** A version vercmp orders strictly below every pkgver randomVersion makes with the same epoch. */
export function olderVersion(version: string): string {
  const colon = version.indexOf(':');
  const epoch = colon === -1 ? '' : version.slice(0, colon + 1);
  // A numeric segment outranks a letter one, so git snapshots (r123.abc) need an older snapshot number.
  return version[colon + 1] === 'r' ? `${epoch}r0-1` : `${epoch}0-1`;
}

export function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}
