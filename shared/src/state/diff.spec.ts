import { FOREIGN_REPOSITORY, type SyncPolicy, type SystemState } from '../domain/types';
import { vercmp } from '../version/vercmp';
import {
  generateArchState,
  newerVersion,
  olderVersion,
  seededRandom,
  shuffle,
  policy,
  pkg,
  state,
} from './arch-fixtures.test-util';
import { diffStates } from './diff';
import { computeSyncStatus, isOffline, syncStatus } from './sync-status';

/** The target and an endpoint that lags on some packages, leads on others, lacks some and has extras. */
function fleetPair(seed: number) {
  const target = generateArchState(seed);
  const random = seededRandom(seed + 100);
  const candidates = target.packages.filter((p) => p.repository !== FOREIGN_REPOSITORY);
  shuffle(candidates, random);
  const olderNames = new Set(candidates.slice(0, 150).map((p) => p.package_name));
  const newerNames = new Set(candidates.slice(150, 200).map((p) => p.package_name));
  const missingNames = new Set(candidates.slice(200, 240).map((p) => p.package_name));
  const endpointPackages = target.packages
    .filter((p) => !missingNames.has(p.package_name))
    .map((p) =>
      olderNames.has(p.package_name)
        ? { ...p, version: olderVersion(p.version) }
        : newerNames.has(p.package_name)
          ? { ...p, version: newerVersion(p.version) }
          : p,
    );
  const extras = Array.from({ length: 25 }, (_, i) =>
    pkg(`python-extra${i}`, '1.0-1', { install_reason: 'dependency' }),
  );
  const endpoint: SystemState = { ...target, packages: [...endpointPackages, ...extras] };
  return { target, endpoint, olderNames, newerNames, missingNames, extras };
}

describe('diffStates', () => {
  it('finds exactly the missing, older, newer and extra packages of a 2,000-package state', () => {
    const { target, endpoint, olderNames, newerNames, missingNames, extras } = fleetPair(11);
    for (const p of target.packages) {
      if (olderNames.has(p.package_name))
        expect([p.version, vercmp(olderVersion(p.version), p.version)]).toEqual([p.version, -1]);
    }
    const diff = diffStates(endpoint, target, policy({ include_aur: true }));
    expect(new Set(diff.older.map((d) => d.package_name))).toEqual(olderNames);
    expect(new Set(diff.newer.map((d) => d.package_name))).toEqual(newerNames);
    expect(new Set(diff.missing.map((p) => p.package_name))).toEqual(missingNames);
    expect(diff.extra.map((p) => p.package_name)).toEqual(extras.map((p) => p.package_name).sort());
    for (const list of [diff.older, diff.newer, diff.missing, diff.extra]) {
      const names = list.map((entry) => entry.package_name);
      expect(names).toEqual([...names].sort());
    }
    const anOlder = diff.older[0];
    expect(anOlder.current_version).toBe(
      endpoint.packages.find((p) => p.package_name === anOlder.package_name)!.version,
    );
    expect(anOlder.wanted_version).toBe(
      target.packages.find((p) => p.package_name === anOlder.package_name)!.version,
    );
  });

  it('finds no difference between a state and itself in any order', () => {
    const target = generateArchState(12);
    const shuffled = { ...target, packages: target.packages.slice().reverse() };
    expect(diffStates(shuffled, target, policy({ include_aur: true }))).toEqual({
      missing: [],
      older: [],
      newer: [],
      extra: [],
      reasons: [],
    });
  });

  it('lists a package at the wanted version with the other install reason, and only then', () => {
    const target = state(
      pkg('libx', '2.0-1', { install_reason: 'dependency' }),
      pkg('tool', '1.1-1', { install_reason: 'explicit' }),
      pkg('app', '2.0-1', { install_reason: 'dependency' }),
      pkg('linux', '6.12-1', { install_reason: 'dependency' }),
    );
    const endpoint = state(
      pkg('libx', '2.0-1', { install_reason: 'explicit' }),
      pkg('tool', '1.1-1', { install_reason: 'dependency' }),
      // A version difference carries its reason in the plan item; it is not also a reason difference.
      pkg('app', '1.0-1', { install_reason: 'explicit' }),
      pkg('linux', '6.12-1', { install_reason: 'explicit' }),
    );
    const diff = diffStates(endpoint, target, policy({ exclude_packages: ['linux'] }));
    expect(diff.reasons).toEqual([
      { package_name: 'libx', version: '2.0-1', current_reason: 'explicit', wanted_reason: 'dependency' },
      { package_name: 'tool', version: '1.1-1', current_reason: 'dependency', wanted_reason: 'explicit' },
    ]);
    expect(diff.older.map((d) => d.package_name)).toEqual(['app']);
  });

  it('treats a vercmp-equal but differently spelt version as older, and equal spelling as the same', () => {
    const target = state(pkg('a', '1.0_1-1'), pkg('b', '001-1'), pkg('c', '1.0-1'), pkg('d', '2:1.0-1.1'));
    const endpoint = state(pkg('a', '1.0.1-1'), pkg('b', '1-1'), pkg('c', '1.0-1'), pkg('d', '2:1.0-1.1'));
    expect(vercmp('1.0_1-1', '1.0.1-1')).toBe(0);
    const diff = diffStates(endpoint, target, policy());
    expect(diff.older).toEqual([
      { package_name: 'a', current_version: '1.0.1-1', wanted_version: '1.0_1-1' },
      { package_name: 'b', current_version: '1-1', wanted_version: '001-1' },
    ]);
    expect(diff.newer).toEqual([]);
  });

  it('orders by vercmp, not by string: epochs and pkgrels like 1.1', () => {
    const target = state(pkg('x', '1:1.0-1'), pkg('y', '2.0-1.1'), pkg('z', '1.10-1'));
    const endpoint = state(pkg('x', '9.9-1'), pkg('y', '2.0-1.2'), pkg('z', '1.9-1'));
    const diff = diffStates(endpoint, target, policy());
    expect(diff.older.map((d) => d.package_name)).toEqual(['x', 'z']);
    expect(diff.newer.map((d) => d.package_name)).toEqual(['y']);
  });

  it('leaves excluded names out on both sides (linux*, nvidia*)', () => {
    const target = state(
      pkg('linux', '6.12.1-1'),
      pkg('linux-headers', '6.12.1-1'),
      pkg('nvidia', '565-1'),
      pkg('glibc', '2.40-1'),
    );
    const endpoint = state(pkg('linux', '6.11.9-1'), pkg('nvidia-utils', '560-1'), pkg('glibc', '2.40-1'));
    const excluded = diffStates(endpoint, target, policy({ exclude_packages: ['linux*', 'nvidia*'] }));
    expect(excluded).toEqual({ missing: [], older: [], newer: [], extra: [], reasons: [] });
    const plain = diffStates(endpoint, target, policy());
    expect(plain.missing.map((p) => p.package_name)).toEqual(['linux-headers', 'nvidia']);
    expect(plain.older.map((d) => d.package_name)).toEqual(['linux']);
    expect(plain.extra.map((p) => p.package_name)).toEqual(['nvidia-utils']);
  });

  it('counts foreign packages only with include_aur, judged by the wanted side', () => {
    const local = { repository: FOREIGN_REPOSITORY };
    const target = state(pkg('yay', '12.4-1', local), pkg('paru', '2.0-1', local), pkg('hello', '2.0-1'));
    const endpoint = state(
      pkg('yay', '12.3-1', local),
      pkg('slack-desktop', '4.41-1', local),
      pkg('hello', '1.0-1', local),
    );
    const without = diffStates(endpoint, target, policy({ include_aur: false }));
    // hello comes from a repository in the target, so the hand-built copy on the endpoint still differs.
    expect(without).toEqual({
      missing: [],
      older: [{ package_name: 'hello', current_version: '1.0-1', wanted_version: '2.0-1' }],
      newer: [],
      extra: [],
      reasons: [],
    });
    const withAur = diffStates(endpoint, target, policy({ include_aur: true }));
    expect(withAur.missing.map((p) => p.package_name)).toEqual(['paru']);
    expect(withAur.older.map((d) => d.package_name)).toEqual(['hello', 'yay']);
    expect(withAur.extra.map((p) => p.package_name)).toEqual(['slack-desktop']);
  });

  it('rejects a state that lists one package twice', () => {
    expect(() => diffStates(state(pkg('a', '1-1'), pkg('a', '2-1')), state(), policy())).toThrow(
      'The current state lists package "a" more than once',
    );
    expect(() => diffStates(state(), state(pkg('b', '1-1'), pkg('b', '1-1')), policy())).toThrow(
      'wanted state',
    );
  });
});

describe('sync status', () => {
  const target = state(pkg('glibc', '2.40-1'), pkg('bash', '5.2.037-1'), pkg('linux', '6.12.1-1'));
  const statusOf = (endpoint: SystemState | null, p: SyncPolicy = policy()) =>
    computeSyncStatus(endpoint, target, p);

  it('is in_sync with no difference', () => {
    expect(statusOf(state(...target.packages))).toBe('in_sync');
  });

  it('is behind when something is missing or older and nothing is newer', () => {
    expect(statusOf(state(target.packages[0], target.packages[1]))).toBe('behind');
    expect(statusOf(state(target.packages[0], target.packages[1], pkg('linux', '6.11.9-1')))).toBe('behind');
  });

  it('is ahead when something is newer or extra and nothing is missing or older', () => {
    expect(statusOf(state(...target.packages, pkg('htop', '3.3-1')))).toBe('ahead');
    expect(statusOf(state(target.packages[0], target.packages[1], pkg('linux', '6.13-1')))).toBe('ahead');
  });

  it('is behind when only install reasons differ, as a sync sets them', () => {
    const asDependency = pkg('bash', '5.2.037-1', { install_reason: 'dependency' });
    expect(statusOf(state(target.packages[0], asDependency, target.packages[2]))).toBe('behind');
    expect(statusOf(state(target.packages[0], asDependency, target.packages[2], pkg('htop', '3.3-1')))).toBe(
      'diverged',
    );
    expect(
      statusOf(
        state(target.packages[0], asDependency, target.packages[2]),
        policy({ exclude_packages: ['bash'] }),
      ),
    ).toBe('in_sync');
  });

  it('is diverged when both', () => {
    expect(statusOf(state(target.packages[0], pkg('linux', '6.13-1')))).toBe('diverged');
  });

  it('is unknown without a state or without a target', () => {
    expect(statusOf(null)).toBe('unknown');
    expect(computeSyncStatus(target, null, policy())).toBe('unknown');
  });

  it('applies the exclusions before judging', () => {
    expect(
      statusOf(
        state(target.packages[0], target.packages[1], pkg('linux', '6.13-1')),
        policy({ exclude_packages: ['linux*'] }),
      ),
    ).toBe('in_sync');
  });

  it('derives the status from a diff the same way', () => {
    const { target: t, endpoint } = fleetPair(13);
    expect(syncStatus(diffStates(endpoint, t, policy()))).toBe('diverged');
    expect(syncStatus({ missing: [], older: [], newer: [], extra: [], reasons: [] })).toBe('in_sync');
  });
});

describe('isOffline', () => {
  const now = new Date('2026-11-30T21:00:00Z');
  const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);

  it('is offline only after more than three reporting intervals', () => {
    expect(isOffline(ago(899), now)).toBe(false);
    expect(isOffline(ago(900), now)).toBe(false);
    expect(isOffline(ago(901), now)).toBe(true);
    expect(isOffline(ago(181), now, 60)).toBe(true);
    expect(isOffline(ago(179), now, 60)).toBe(false);
  });

  it('is not offline when never seen (the status is unknown then)', () => {
    expect(isOffline(null, now)).toBe(false);
  });

  it('rejects nonsense intervals and dates', () => {
    expect(() => isOffline(now, now, 0)).toThrow('positive number of seconds');
    expect(() => isOffline(now, now, Number.NaN)).toThrow('positive number of seconds');
    expect(() => isOffline(new Date('garbage'), now)).toThrow('invalid last-seen date');
    expect(() => isOffline(now, new Date('garbage'))).toThrow('valid current time');
  });
});
