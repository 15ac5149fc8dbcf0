// Deterministic, Arch-like data for the server benchmarks: a package universe, states drawn from it and
// repository sets that differ the way distributions do (some versions ahead, some packages missing).

export interface BenchPackage {
  package_name: string;
  version: string;
  repository: string;
  installed_size: number;
  dependencies: string[];
  install_reason: 'explicit' | 'dependency';
}

export interface BenchRepository {
  repo_name: string;
  repo_url: string;
  packages: Array<{ name: string; version: string; architecture: string }>;
}

/** mulberry32: a small seeded generator, so every run benchmarks the same data. */
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

const STEMS = [
  'lib',
  'python-',
  'perl-',
  'qt6-',
  'gst-',
  'xorg-',
  'ruby-',
  'lua-',
  'haskell-',
  'kde-',
  'gnome-',
  '',
];
const WORDS = [
  'core',
  'util',
  'net',
  'font',
  'audio',
  'video',
  'crypt',
  'xml',
  'json',
  'gl',
  'ssl',
  'zip',
  'dbus',
];

/** `count` distinct valid package names with stable versions. */
export function packageUniverse(count: number, seed = 1): Array<{ name: string; version: string }> {
  const random = seededRandom(seed);
  const universe: Array<{ name: string; version: string }> = [];
  for (let index = 0; index < count; index++) {
    const stem = STEMS[index % STEMS.length];
    const word = WORDS[Math.floor(random() * WORDS.length)];
    const version =
      `${1 + Math.floor(random() * 30)}.${Math.floor(random() * 20)}.${Math.floor(random() * 50)}` +
      `-${1 + Math.floor(random() * 4)}`;
    universe.push({ name: `${stem}${word}${index}`, version });
  }
  return universe;
}

/** A state of the first `count` packages of the universe (3 dependencies each, 1 in 5 explicit). */
export function makeState(universe: Array<{ name: string; version: string }>, count: number) {
  const packages: BenchPackage[] = universe.slice(0, count).map((pkg, index) => ({
    package_name: pkg.name,
    version: pkg.version,
    repository: index % 3 === 0 ? 'core' : 'extra',
    installed_size: 4096 * (1 + (index % 997)),
    dependencies: [1, 2, 3].map((step) => universe[(index + step * 7) % count].name),
    install_reason: index % 5 === 0 ? 'explicit' : 'dependency',
  }));
  return { pacman_version: '7.0.0', architecture: 'x86_64', packages };
}

/** The same state with one package rebuilt: a distinct content hash per variant. */
export function stateVariant(
  base: ReturnType<typeof makeState>,
  variant: number,
): ReturnType<typeof makeState> {
  const packages = base.packages.slice();
  const index = variant % packages.length;
  const [pkgver] = packages[index].version.split('-');
  packages[index] = { ...packages[index], version: `${pkgver}-${100 + variant}` };
  return { ...base, packages };
}

/**
 * Repository set `set` (0..n): core/extra/multilib splitting `size` packages of the universe. Set 0 offers
 * every version as the universe has it; set s > 0 is ahead on every (6+s)-th package and lacks s*3 packages.
 */
export function makeRepositorySet(
  universe: Array<{ name: string; version: string }>,
  size: number,
  set: number,
) {
  const offered = universe
    .slice(0, size)
    .filter((_, index) => !(set > 0 && index % 500 === set && index < 1500 * set));
  const repos: BenchRepository[] = [
    { repo_name: 'core', repo_url: 'https://mirror.example.org/core/os/x86_64', packages: [] },
    { repo_name: 'extra', repo_url: 'https://mirror.example.org/extra/os/x86_64', packages: [] },
    { repo_name: 'multilib', repo_url: 'https://mirror.example.org/multilib/os/x86_64', packages: [] },
  ];
  offered.forEach((pkg, index) => {
    const ahead = set > 0 && index % (6 + set) === 0;
    const version = ahead ? `${pkg.version.split('-')[0]}-${10 + set}` : pkg.version;
    const repo = index % 50 === 0 ? repos[0] : index % 7 === 0 ? repos[2] : repos[1];
    repo.packages.push({ name: pkg.name, version, architecture: 'x86_64' });
  });
  return repos;
}
