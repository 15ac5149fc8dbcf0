import { createHash } from 'node:crypto';
import type { PackageState, RepositoryReport, SystemState } from '../domain/types';
import { generateArchState, generateRepositories, seededRandom, shuffle } from './arch-fixtures.test-util';
import { canonicalState, repositoryContentHash, stateContentHash } from './content-hash';

const reordered = (state: SystemState, seed: number): SystemState => {
  const random = seededRandom(seed);
  const packages = state.packages.map((pkg) => {
    const dependencies = pkg.dependencies.slice();
    shuffle(dependencies, random);
    return { ...pkg, dependencies };
  });
  shuffle(packages, random);
  return { ...state, packages };
};

const changeOne = (state: SystemState, index: number, change: Partial<PackageState>): SystemState => ({
  ...state,
  packages: state.packages.map((pkg, i) => (i === index ? { ...pkg, ...change } : pkg)),
});

describe('stateContentHash', () => {
  const state = generateArchState(1);
  const hash = stateContentHash(state);

  it('is sha256: followed by the SHA-256 of the canonical text', () => {
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(hash).toBe(`sha256:${createHash('sha256').update(canonicalState(state), 'utf8').digest('hex')}`);
  });

  it('does not depend on the order of packages or of dependencies', () => {
    for (const seed of [2, 3, 4]) expect(stateContentHash(reordered(state, seed))).toBe(hash);
  });

  it('leaves the state it hashes untouched', () => {
    const copy = reordered(state, 8);
    const before = JSON.stringify(copy);
    stateContentHash(copy);
    expect(JSON.stringify(copy)).toBe(before);
  });

  it('changes with every field of every package and with the header fields', () => {
    const index = 1234;
    const pkg = state.packages[index];
    const variants: SystemState[] = [
      changeOne(state, index, { version: `${pkg.version}.1` }),
      changeOne(state, index, { package_name: `${pkg.package_name}x` }),
      changeOne(state, index, { repository: pkg.repository === 'core' ? 'extra' : 'core' }),
      changeOne(state, index, { installed_size: pkg.installed_size + 1 }),
      changeOne(state, index, {
        install_reason: pkg.install_reason === 'explicit' ? 'dependency' : 'explicit',
      }),
      changeOne(state, index, { dependencies: [...pkg.dependencies, 'zlib-extra-dep'] }),
      { ...state, pacman_version: '6.1.1' },
      { ...state, architecture: 'aarch64' },
      { ...state, packages: state.packages.slice(1) },
    ];
    const hashes = new Set([hash, ...variants.map((variant) => stateContentHash(variant))]);
    expect(hashes.size).toBe(variants.length + 1);
  });

  it('cannot be fooled by moving text between fields', () => {
    const base = { repository: 'extra', installed_size: 1, install_reason: 'explicit' as const };
    const a: SystemState = {
      pacman_version: '6.1.0',
      architecture: 'x86_64',
      packages: [{ ...base, package_name: 'foo', version: '1-1', dependencies: ['bar,baz'] }],
    };
    const b: SystemState = { ...a, packages: [{ ...a.packages[0], dependencies: ['bar', 'baz'] }] };
    const c: SystemState = { ...a, pacman_version: '6.1.0","x86_64', architecture: '' };
    expect(new Set([a, b, c].map((s) => stateContentHash(s))).size).toBe(3);
  });

  it('writes the documented canonical form, which stored hashes depend on', () => {
    const small: SystemState = {
      pacman_version: '6.1.0',
      architecture: 'x86_64',
      packages: [
        {
          package_name: 'zlib',
          version: '1:1.3.1-2',
          repository: 'core',
          installed_size: 164,
          dependencies: ['glibc'],
          install_reason: 'dependency',
        },
        {
          package_name: 'bash',
          version: '5.2.037-1',
          repository: 'core',
          installed_size: 9_000,
          dependencies: ['readline', 'glibc', 'ncurses'],
          install_reason: 'explicit',
        },
      ],
    };
    const expected =
      'pacman-sync-state/1\n' +
      '["6.1.0","x86_64"]\n' +
      '["bash","5.2.037-1","core",9000,"explicit",["glibc","ncurses","readline"]]\n' +
      '["zlib","1:1.3.1-2","core",164,"dependency",["glibc"]]\n';
    expect(canonicalState(small)).toBe(expected);
    expect(stateContentHash(small)).toBe(`sha256:${createHash('sha256').update(expected).digest('hex')}`);
  });

  it('hashes an empty state and unicode values deterministically', () => {
    const empty: SystemState = { pacman_version: '6.1.0', architecture: 'x86_64', packages: [] };
    expect(canonicalState(empty)).toBe('pacman-sync-state/1\n["6.1.0","x86_64"]\n');
    const odd = { ...empty, pacman_version: 'vé€😀' };
    expect(stateContentHash(odd)).toBe(stateContentHash({ ...odd }));
    expect(stateContentHash(odd)).not.toBe(stateContentHash(empty));
  });

  it('orders packages by name in the canonical text', () => {
    const lines = canonicalState(state).trimEnd().split('\n').slice(2);
    const names = lines.map((line) => (JSON.parse(line) as [string])[0]);
    expect(names).toEqual([...names].sort());
    expect(names).toHaveLength(state.packages.length);
  });
});

describe('repositoryContentHash', () => {
  const repositories = generateRepositories(generateArchState(5), 6000, 6);
  const hash = repositoryContentHash(repositories);

  it('does not depend on the order of repositories or of their packages', () => {
    const random = seededRandom(9);
    const shuffled: RepositoryReport[] = repositories.map((repository) => {
      const packages = repository.packages.slice();
      shuffle(packages, random);
      return { ...repository, packages };
    });
    shuffled.reverse();
    expect(repositoryContentHash(shuffled)).toBe(hash);
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('changes with any package field, repository name or URL', () => {
    const edit = (change: (copy: RepositoryReport[]) => void) => {
      const copy = repositories.map((repository) => ({
        ...repository,
        packages: repository.packages.map((pkg) => ({ ...pkg })),
      }));
      change(copy);
      return repositoryContentHash(copy);
    };
    const hashes = new Set([
      hash,
      edit((copy) => (copy[0].packages[0].version += '.1')),
      edit((copy) => (copy[0].packages[0].name += 'x')),
      edit((copy) => (copy[0].packages[0].architecture = 'i686')),
      edit((copy) => (copy[1].repo_name = 'testing')),
      edit((copy) => (copy[1].repo_url = 'https://other.example.org/')),
      edit((copy) => copy[2].packages.pop()),
      // The same package moved to another repository is a different content.
      edit((copy) => copy[1].packages.push(copy[0].packages.shift()!)),
    ]);
    expect(hashes.size).toBe(8);
  });

  it('distinguishes an empty repository from no repository', () => {
    const empty = { repo_name: 'custom', repo_url: 'file:///srv/custom', packages: [] };
    expect(repositoryContentHash([])).not.toBe(repositoryContentHash([empty]));
  });
});
