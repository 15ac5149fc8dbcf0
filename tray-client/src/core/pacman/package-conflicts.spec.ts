import { PackageRelations } from './alpm-db';
import { parseDependency, satisfies, transactionConflicts } from './package-conflicts';

function pkg(name: string, version: string, extras: Partial<PackageRelations> = {}): PackageRelations {
  return { name, version, conflicts: [], provides: [], ...extras };
}

describe('parseDependency', () => {
  it.each([
    ['iptables', { name: 'iptables', comparison: null, version: null }],
    ['foo<2', { name: 'foo', comparison: '<', version: '2' }],
    ['foo<=2', { name: 'foo', comparison: '<=', version: '2' }],
    ['foo>1:2.0-3', { name: 'foo', comparison: '>', version: '1:2.0-3' }],
    ['foo>=2', { name: 'foo', comparison: '>=', version: '2' }],
    ['libfoo.so=1-64', { name: 'libfoo.so', comparison: '=', version: '1-64' }],
    ['python: for the bindings', { name: 'python', comparison: null, version: null }],
  ])('%s', (text, expected) => {
    expect(parseDependency(text)).toEqual(expected);
  });
});

describe('satisfies', () => {
  it('matches the package by name and version, with pacman vercmp rules', () => {
    expect(satisfies(pkg('foo', '1.5-1'), parseDependency('foo<2'))).toBe(true);
    expect(satisfies(pkg('foo', '2.5-1'), parseDependency('foo<2'))).toBe(false);
    // pkgrel counts only when both sides have one, as in vercmp: 2-1 is "= 2".
    expect(satisfies(pkg('foo', '2-1'), parseDependency('foo<2'))).toBe(false);
    expect(satisfies(pkg('foo', '1:1.0-1'), parseDependency('foo>=2'))).toBe(true);
    expect(satisfies(pkg('foobar', '1-1'), parseDependency('foo'))).toBe(false);
  });

  it('matches a provision; an unversioned one only an unversioned entry', () => {
    const nft = pkg('iptables-nft', '1:1.8.10-2', { provides: ['iptables=1:1.8.10-2', 'xtables'] });
    expect(satisfies(nft, parseDependency('iptables'))).toBe(true);
    expect(satisfies(nft, parseDependency('iptables<1:1.9'))).toBe(true);
    expect(satisfies(nft, parseDependency('iptables>=1:2'))).toBe(false);
    expect(satisfies(nft, parseDependency('xtables'))).toBe(true);
    expect(satisfies(nft, parseDependency('xtables>=1'))).toBe(false);
  });
});

describe('transactionConflicts', () => {
  const iptables = pkg('iptables', '1.8.9-1');
  const nft = pkg('iptables-nft', '1.8.9-1', { conflicts: ['iptables'], provides: ['iptables=1.8.9-1'] });

  it('finds the installed package a target conflicts with', () => {
    expect(transactionConflicts([nft], [iptables, pkg('ui', '1-1')])).toEqual({
      removals: [
        { declaredBy: 'iptables-nft', matched: 'iptables', reason: 'iptables', installed: 'iptables' },
      ],
      betweenTargets: [],
    });
  });

  it('finds an installed package whose own conflicts name a target (the way back)', () => {
    expect(transactionConflicts([iptables], [nft]).removals).toEqual([
      { declaredBy: 'iptables-nft', matched: 'iptables', reason: 'iptables', installed: 'iptables-nft' },
    ]);
  });

  it('finds an installed package that only provides the conflicting name', () => {
    const legacy = pkg('legacy-fw', '1-1', { provides: ['iptables'] });
    expect(transactionConflicts([nft], [iptables, legacy]).removals.map((c) => c.installed)).toEqual([
      'iptables',
      'legacy-fw',
    ]);
  });

  it('honours versioned conflicts', () => {
    const picky = pkg('picky', '1-1', { conflicts: ['foo<2'] });
    expect(transactionConflicts([picky], [pkg('foo', '1.5-1')]).removals).toHaveLength(1);
    expect(transactionConflicts([picky], [pkg('foo', '2.5-1')]).removals).toEqual([]);
  });

  it('checks an upgraded package as its new version, and never a package against itself', () => {
    const oldNft = pkg('iptables-nft', '1.8.8-1', { conflicts: ['iptables'] });
    // A package may conflict with its own name (or provide it) without conflicting with itself.
    const selfish = pkg('selfish', '2-1', { conflicts: ['selfish'], provides: ['selfish'] });
    expect(transactionConflicts([nft, selfish], [oldNft, pkg('selfish', '1-1')])).toEqual({
      removals: [],
      betweenTargets: [],
    });
  });

  it('reports targets that conflict with each other', () => {
    expect(transactionConflicts([iptables, nft], []).betweenTargets).toEqual([
      { declaredBy: 'iptables-nft', matched: 'iptables', reason: 'iptables' },
    ]);
  });
});
