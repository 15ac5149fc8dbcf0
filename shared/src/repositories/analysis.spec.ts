import {
  FOREIGN_REPOSITORY,
  type PackageState,
  type RepositoryReport,
  type RepositorySet,
} from '../domain/types';
import {
  generateArchState,
  generateRepositories,
  newerVersion,
  olderVersion,
  policy,
  state,
} from '../state/arch-fixtures.test-util';
import { analyzePool } from './analysis';

const pkg = (package_name: string, version: string, repository = 'extra'): PackageState => ({
  package_name,
  version,
  repository,
  installed_size: 1,
  dependencies: [],
  install_reason: 'explicit',
});
const repo = (repo_name: string, ...packages: Array<[string, string, string?]>): RepositoryReport => ({
  repo_name,
  repo_url: `https://mirror.example.org/${repo_name}`,
  packages: packages.map(([name, version, architecture]) => ({
    name,
    version,
    architecture: architecture ?? 'x86_64',
  })),
});
const NOW = new Date('2026-11-30T21:30:00.000Z');

describe('analyzePool', () => {
  const target = state(
    pkg('glibc', '2.40+r16-1', 'core'),
    pkg('bash', '5.2.037-1', 'core'),
    pkg('mesa', '1:24.2.7-1'),
    pkg('firefox', '133.0-1'),
    pkg('linux', '6.12.1.arch1-1', 'core'),
    pkg('yay', '12.4.2-1', FOREIGN_REPOSITORY),
  );
  // Arch, Manjaro (lags on mesa and firefox, has no yay), CachyOS (rebuilds glibc, first repo wins).
  const arch: RepositorySet = {
    endpoint_ids: ['e-arch-2', 'e-arch-1'],
    repositories: [
      repo('core', ['glibc', '2.40+r16-1'], ['bash', '5.2.037-1'], ['linux', '6.12.1.arch1-1']),
      repo('extra', ['mesa', '1:24.2.7-1'], ['firefox', '133.0-1']),
    ],
  };
  const manjaro: RepositorySet = {
    endpoint_ids: ['e-manjaro'],
    repositories: [
      repo('core', ['glibc', '2.40+r16-1'], ['bash', '5.2.037-1']),
      repo('extra', ['mesa', '1:24.2.6-1'], ['firefox', '132.0.2-1']),
    ],
  };
  const cachy: RepositorySet = {
    endpoint_ids: ['e-cachy-b', 'e-cachy-a'],
    repositories: [
      repo('cachyos-v3', ['glibc', '2.40+r16-1', 'x86_64_v3'], ['firefox', '133.0-1']),
      repo('core', ['glibc', '2.40+r16-1'], ['bash', '5.2.037-1'], ['linux', '6.12.1.arch1-1']),
      repo('extra', ['mesa', '1:24.2.7-1'], ['mesa', '1:24.2.6-1'], ['firefox', '133.0-1']),
    ],
  };

  it('sorts the target packages into common, excluded and conflicts across several sets', () => {
    const analysis = analyzePool('pool-1', target, [cachy, arch, manjaro], policy(), NOW);
    expect(analysis.pool_id).toBe('pool-1');
    expect(analysis.last_analyzed).toBe('2026-11-30T21:30:00.000Z');
    expect(analysis.common_packages).toEqual([
      { name: 'bash', version: '5.2.037-1', repository: 'core', architecture: 'x86_64' },
      // The first set's first repository offering the version names it: CachyOS's rebuild here.
      { name: 'glibc', version: '2.40+r16-1', repository: 'cachyos-v3', architecture: 'x86_64_v3' },
    ]);
    expect(analysis.excluded_packages).toEqual([
      { package_name: 'linux', target_version: '6.12.1.arch1-1', missing_on: ['e-manjaro'] },
    ]);
    expect(analysis.conflicts).toEqual([
      {
        package_name: 'firefox',
        target_version: '133.0-1',
        offered: [{ endpoint_ids: ['e-manjaro'], version: '132.0.2-1', repository: 'extra' }],
      },
      {
        package_name: 'mesa',
        target_version: '1:24.2.7-1',
        offered: [{ endpoint_ids: ['e-manjaro'], version: '1:24.2.6-1', repository: 'extra' }],
      },
    ]);
  });

  it('lists every endpoint of every set that lacks a package, and merges equal offers of several sets', () => {
    const old: RepositorySet = {
      endpoint_ids: ['e-old'],
      repositories: [
        repo(
          'extra',
          ['mesa', '1:24.2.6-1'],
          ['firefox', '132.0.2-1'],
          ['bash', '5.2.037-1'],
          ['glibc', '2.40+r16-1'],
        ),
      ],
    };
    const analysis = analyzePool('p', target, [manjaro, old, arch], policy(), NOW);
    expect(analysis.excluded_packages).toEqual([
      { package_name: 'linux', target_version: '6.12.1.arch1-1', missing_on: ['e-manjaro', 'e-old'] },
    ]);
    expect(analysis.conflicts.find((c) => c.package_name === 'mesa')!.offered).toEqual([
      { endpoint_ids: ['e-manjaro', 'e-old'], version: '1:24.2.6-1', repository: 'extra' },
    ]);
  });

  it('reports a foreign package as missing only with include_aur, and never an excluded one', () => {
    const withAur = analyzePool('p', target, [arch], policy({ include_aur: true }), NOW);
    expect(withAur.excluded_packages).toEqual([
      { package_name: 'yay', target_version: '12.4.2-1', missing_on: ['e-arch-1', 'e-arch-2'] },
    ]);
    const excluding = analyzePool(
      'p',
      target,
      [cachy, arch, manjaro],
      policy({ exclude_packages: ['linux*', 'f*', 'mesa'] }),
      NOW,
    );
    expect(excluding.excluded_packages).toEqual([]);
    expect(excluding.conflicts).toEqual([]);
    expect(excluding.common_packages.map((p) => p.name)).toEqual(['bash', 'glibc']);
  });

  it('finds nothing to judge without endpoint sets, and ignores sets without endpoints', () => {
    const empty = analyzePool('p', target, [], policy(), NOW);
    expect([empty.common_packages, empty.excluded_packages, empty.conflicts]).toEqual([[], [], []]);
    const ignoring = analyzePool('p', target, [arch, { endpoint_ids: [], repositories: [] }], policy(), NOW);
    expect(ignoring.excluded_packages).toEqual([]);
    expect(ignoring.common_packages).toHaveLength(5);
  });

  it('rejects a target that lists one package twice', () => {
    expect(() => analyzePool('p', state(pkg('a', '1-1'), pkg('a', '1-1')), [arch], policy(), NOW)).toThrow(
      'lists package "a" more than once',
    );
  });

  it('handles a realistic pool: 2,000 target packages against five 15,000-package sets', () => {
    const realTarget = generateArchState(31);
    const nonForeign = realTarget.packages.filter((p) => p.repository !== FOREIGN_REPOSITORY);
    const base = generateRepositories(realTarget, 15_000, 32);
    const withChange = (change: (name: string, version: string) => string | null): RepositoryReport[] =>
      base.map((r) => ({
        ...r,
        packages: r.packages.flatMap((p) => {
          const version = change(p.name, p.version);
          return version === null ? [] : [{ ...p, version }];
        }),
      }));
    const lagging = new Set(nonForeign.slice(0, 100).map((p) => p.package_name));
    const leading = new Set(nonForeign.slice(100, 130).map((p) => p.package_name));
    const dropped = new Set(nonForeign.slice(130, 140).map((p) => p.package_name));
    const sets: RepositorySet[] = [
      { endpoint_ids: ['a1', 'a2'], repositories: base },
      { endpoint_ids: ['b1'], repositories: withChange((n, v) => (lagging.has(n) ? olderVersion(v) : v)) },
      { endpoint_ids: ['c1'], repositories: withChange((n, v) => (leading.has(n) ? newerVersion(v) : v)) },
      { endpoint_ids: ['d1'], repositories: withChange((n, v) => (dropped.has(n) ? null : v)) },
      { endpoint_ids: ['e1'], repositories: base },
    ];
    const analysis = analyzePool('p', realTarget, sets, policy(), NOW);
    expect(new Set(analysis.conflicts.map((c) => c.package_name))).toEqual(new Set([...lagging, ...leading]));
    expect(analysis.excluded_packages.map((e) => e.package_name)).toEqual([...dropped].sort());
    expect(analysis.excluded_packages.every((e) => e.missing_on.join() === 'd1')).toBe(true);
    expect(analysis.common_packages).toHaveLength(nonForeign.length - 140);
    const names = analysis.common_packages.map((p) => p.name);
    expect(names).toEqual([...names].sort());
  });
});
