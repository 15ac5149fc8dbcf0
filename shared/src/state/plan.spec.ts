import {
  FOREIGN_REPOSITORY,
  type PackageOffer,
  type PacmanHolds,
  type RepositoryReport,
  type SystemState,
} from '../domain/types';
import {
  generateArchState,
  generateRepositories,
  newerVersion,
  olderVersion,
  policy,
  pkg,
  state,
} from './arch-fixtures.test-util';
import { diffStates } from './diff';
import { planSync } from './plan';

const repo = (repo_name: string, ...packages: Array<[string, string]>): RepositoryReport => ({
  repo_name,
  repo_url: `https://mirror.example.org/${repo_name}`,
  packages: packages.map(([name, version]) => ({ name, version, architecture: 'x86_64' })),
});

/** One of Arch Linux's own repositories, served from a mirror with Arch's layout. */
const archRepo = (repo_name: string, ...packages: Array<[string, string]>): RepositoryReport => ({
  ...repo(repo_name, ...packages),
  repo_url: `https://geo.mirror.pkgbuild.com/${repo_name}/os/x86_64`,
});

describe('planSync on a realistic fleet', () => {
  const target = generateArchState(21);
  const repositories = generateRepositories(target, 15_000, 22);
  const nonForeign = target.packages.filter((p) => p.repository !== FOREIGN_REPOSITORY);
  const lagging = new Set(nonForeign.slice(0, 120).map((p) => p.package_name));
  const leading = new Set(nonForeign.slice(120, 150).map((p) => p.package_name));
  const absent = new Set(nonForeign.slice(150, 190).map((p) => p.package_name));
  const endpoint: SystemState = {
    ...target,
    packages: [
      ...target.packages
        .filter((p) => !absent.has(p.package_name))
        .map((p) =>
          lagging.has(p.package_name)
            ? { ...p, version: olderVersion(p.version) }
            : leading.has(p.package_name)
              ? { ...p, version: newerVersion(p.version) }
              : p,
        ),
      pkg('htop', '3.3.0-1'),
      pkg('python-extra1', '1.0-1', { install_reason: 'dependency' }),
    ],
  };

  it('installs, upgrades and downgrades exactly what the diff says, from the repositories', () => {
    const plan = planSync(endpoint, target, policy(), { repositories });
    expect(new Set(plan.install.map((i) => i.package_name))).toEqual(absent);
    expect(new Set(plan.upgrade.map((i) => i.package_name))).toEqual(lagging);
    expect(new Set(plan.downgrade.map((i) => i.package_name))).toEqual(leading);
    expect(plan.unavailable).toEqual([]);
    expect(plan.substituted).toEqual([]);
    expect(plan.remove).toEqual([]);
    expect(plan.kept_extra).toEqual([
      { package_name: 'htop', version: '3.3.0-1' },
      { package_name: 'python-extra1', version: '1.0-1' },
    ]);
    const wantedByName = new Map(target.packages.map((p) => [p.package_name, p]));
    for (const item of [...plan.install, ...plan.upgrade, ...plan.downgrade]) {
      const wanted = wantedByName.get(item.package_name)!;
      expect(item).toEqual({
        package_name: wanted.package_name,
        from_version: item.from_version,
        to_version: wanted.version,
        wanted_version: wanted.version,
        install_reason: wanted.install_reason,
        source: 'repository',
        repository: wanted.repository,
      });
    }
    for (const list of [plan.install, plan.upgrade, plan.downgrade]) {
      const names = list.map((i) => i.package_name);
      expect(names).toEqual([...names].sort());
    }
  });

  it('removes the extras when remove_extra is on', () => {
    const plan = planSync(endpoint, target, policy({ remove_extra: true }), { repositories });
    expect(plan.remove.map((r) => r.package_name)).toEqual(['htop', 'python-extra1']);
    expect(plan.kept_extra).toEqual([]);
  });

  it('plans everything as installs for an endpoint that has reported nothing', () => {
    const plan = planSync(null, target, policy(), { repositories });
    expect(plan.install).toHaveLength(nonForeign.length);
    expect(plan.upgrade.length + plan.downgrade.length + plan.remove.length).toBe(0);
  });

  it('is empty for an endpoint that already matches, and the same whatever the input order', () => {
    const same = planSync({ ...target, packages: target.packages.slice().reverse() }, target, policy(), {
      repositories,
    });
    expect(same).toEqual({
      install: [],
      upgrade: [],
      downgrade: [],
      remove: [],
      unavailable: [],
      substituted: [],
      kept_extra: [],
      reasons: [],
      held: [],
      overridden_holds: [],
    });
    const reversedOffer = {
      repositories: repositories.map((r) => ({ ...r, packages: r.packages.slice().reverse() })),
    };
    const reversedEndpoint = { ...endpoint, packages: endpoint.packages.slice().reverse() };
    expect(planSync(reversedEndpoint, target, policy(), reversedOffer)).toEqual(
      planSync(endpoint, target, policy(), { repositories }),
    );
  });
});

describe('planSync rules', () => {
  const target = state(
    pkg('glibc', '2.40+r16-1', { repository: 'core', install_reason: 'dependency' }),
    pkg('mesa', '1:24.2.7-1'),
    pkg('bash', '5.2.037-1', { repository: 'core' }),
    pkg('yay', '12.4.2-1', { repository: FOREIGN_REPOSITORY }),
  );

  it('marks wanted versions nothing offers as unavailable under manual, listing what is offered', () => {
    const offer: PackageOffer = {
      repositories: [repo('core', ['glibc', '2.40+r16-1'], ['bash', '5.2.026-2'], ['bash', '5.2.040-1'])],
    };
    const plan = planSync(state(pkg('bash', '5.2.026-2', { repository: 'core' })), target, policy(), offer);
    expect(plan.unavailable).toEqual([
      {
        package_name: 'bash',
        wanted_version: '5.2.037-1',
        installed_version: '5.2.026-2',
        available_versions: ['5.2.026-2', '5.2.040-1'],
      },
      { package_name: 'mesa', wanted_version: '1:24.2.7-1', installed_version: null, available_versions: [] },
    ]);
    expect(plan.install.map((i) => i.package_name)).toEqual(['glibc']);
    expect(plan.substituted).toEqual([]);
  });

  it('under newest takes the smallest offered version >= wanted, else the largest below', () => {
    const offer: PackageOffer = {
      repositories: [
        repo(
          'core',
          ['bash', '5.2.026-2'],
          ['bash', '5.2.040-1'],
          ['bash', '5.3-1'],
          ['glibc', '2.40+r16-1'],
        ),
        repo('extra', ['mesa', '24.3.0-1'], ['mesa', '1:24.1.0-1']),
      ],
    };
    const plan = planSync(state(), target, policy({ conflict_resolution: 'newest' }), offer);
    const byName = new Map(plan.install.map((i) => [i.package_name, i]));
    expect(byName.get('bash')).toMatchObject({
      to_version: '5.2.040-1',
      wanted_version: '5.2.037-1',
      source: 'repository',
      repository: 'core',
    });
    // 24.3.0 has no epoch, so it is older than 1:24.2.7; the largest below wins.
    expect(byName.get('mesa')).toMatchObject({ to_version: '1:24.1.0-1', wanted_version: '1:24.2.7-1' });
    expect(plan.substituted.map((i) => [i.package_name, i.to_version])).toEqual([
      ['bash', '5.2.040-1'],
      ['mesa', '1:24.1.0-1'],
    ]);
    expect(plan.unavailable).toEqual([]);
  });

  it('under oldest takes the largest offered version <= wanted, else the smallest above', () => {
    const offer: PackageOffer = {
      repositories: [
        repo(
          'core',
          ['bash', '5.2.026-2'],
          ['bash', '5.2.009-1'],
          ['bash', '5.2.040-1'],
          ['glibc', '2.41-1'],
          ['glibc', '2.42-1'],
        ),
        repo('extra', ['mesa', '1:24.2.7-1']),
      ],
    };
    const plan = planSync(state(), target, policy({ conflict_resolution: 'oldest' }), offer);
    expect(plan.install.map((i) => [i.package_name, i.to_version])).toEqual([
      ['bash', '5.2.026-2'],
      ['glibc', '2.41-1'],
      ['mesa', '1:24.2.7-1'],
    ]);
    expect(plan.substituted.map((i) => i.package_name)).toEqual(['bash', 'glibc']);
  });

  it('keeps a package unavailable under newest/oldest when nothing at all is offered', () => {
    for (const rule of ['newest', 'oldest'] as const) {
      const plan = planSync(state(), target, policy({ conflict_resolution: rule }), {
        repositories: [repo('core', ['glibc', '2.40+r16-1'])],
      });
      expect(plan.unavailable.map((u) => u.package_name)).toEqual(['bash', 'mesa']);
    }
  });

  it('turns a substitution into an upgrade or downgrade against the installed version, or into no change', () => {
    const offer: PackageOffer = { repositories: [repo('core', ['bash', '5.2.030-1'], ['glibc', '2.39-1'])] };
    const installed = state(
      pkg('bash', '5.2.020-1', { repository: 'core' }),
      pkg('glibc', '2.39-1', { repository: 'core' }),
    );
    const plan = planSync(
      installed,
      target,
      policy({ conflict_resolution: 'newest', exclude_packages: ['mesa'] }),
      offer,
    );
    expect(plan.upgrade.map((i) => [i.package_name, i.from_version, i.to_version])).toEqual([
      ['bash', '5.2.020-1', '5.2.030-1'],
    ]);
    expect(plan.downgrade).toEqual([]);
    // glibc would be "substituted" by the version already installed: no change, but the plan says why.
    expect(plan.substituted.map((i) => [i.package_name, i.from_version, i.to_version])).toEqual([
      ['bash', '5.2.020-1', '5.2.030-1'],
      ['glibc', '2.39-1', '2.39-1'],
    ]);

    const ahead = state(pkg('bash', '5.3-1', { repository: 'core' }));
    const down = planSync(
      ahead,
      target,
      policy({ conflict_resolution: 'newest', exclude_packages: ['mesa', 'glibc'] }),
      offer,
    );
    expect(down.downgrade.map((i) => [i.package_name, i.from_version, i.to_version])).toEqual([
      ['bash', '5.3-1', '5.2.030-1'],
    ]);
  });

  it('prefers the cache, then the first repository in pacman.conf order, then the archive', () => {
    const wanted = state(pkg('a', '1.0-1'), pkg('b', '1.0-1'), pkg('c', '1.0-1'), pkg('d', '1.0-1'));
    const offer: PackageOffer = {
      repositories: [
        repo('custom', ['b', '1.0-1'], ['a', '1.0-1']),
        archRepo('extra', ['a', '1.0-1'], ['b', '1.0-1'], ['c', '1.0-1'], ['d', '1.1-1']),
      ],
      cached: [
        { name: 'a', version: '1.0-1' },
        { name: 'c', version: '0.9-1' },
      ],
      archive: true,
    };
    const plan = planSync(state(), wanted, policy(), offer);
    expect(plan.install.map((i) => [i.package_name, i.source, i.repository])).toEqual([
      ['a', 'cache', null],
      ['b', 'repository', 'custom'],
      ['c', 'repository', 'extra'],
      ['d', 'archive', null],
    ]);
  });

  it('takes a version only the cache holds, e.g. for a downgrade', () => {
    const plan = planSync(state(pkg('mesa', '1:24.3.0-1')), state(pkg('mesa', '1:24.2.7-1')), policy(), {
      repositories: [repo('extra', ['mesa', '1:24.3.0-1'])],
      cached: [{ name: 'mesa', version: '1:24.2.7-1' }],
    });
    expect(plan.downgrade).toEqual([
      {
        package_name: 'mesa',
        from_version: '1:24.3.0-1',
        to_version: '1:24.2.7-1',
        wanted_version: '1:24.2.7-1',
        install_reason: 'explicit',
        source: 'cache',
        repository: null,
      },
    ]);
  });

  it('never assumes the archive holds a foreign package', () => {
    const plan = planSync(
      state(),
      state(pkg('yay', '12.4.2-1', { repository: FOREIGN_REPOSITORY })),
      policy({ include_aur: true }),
      {
        // Even where an Arch repository has the name, the wanted build is a hand-built one.
        repositories: [archRepo('extra', ['yay', '12.3.0-1'])],
        archive: true,
      },
    );
    expect(plan.unavailable.map((u) => u.package_name)).toEqual(['yay']);
  });

  it('changes a vercmp-equal but differently spelt version to the exact wanted string', () => {
    const plan = planSync(state(pkg('foo', '1.0.1-1')), state(pkg('foo', '1.0_1-1')), policy(), {
      repositories: [repo('extra', ['foo', '1.0_1-1'])],
    });
    expect(plan.upgrade.map((i) => [i.from_version, i.to_version])).toEqual([['1.0.1-1', '1.0_1-1']]);
    expect(
      diffStates(state(pkg('foo', '1.0.1-1')), state(pkg('foo', '1.0_1-1')), policy()).older,
    ).toHaveLength(1);
  });

  it('keeps the wanted install reasons, also where the installed one differs', () => {
    const plan = planSync(
      state(pkg('libfoo', '1-1', { install_reason: 'explicit' })),
      state(
        pkg('libfoo', '2-1', { install_reason: 'dependency' }),
        pkg('app', '1-1', { install_reason: 'explicit' }),
      ),
      policy(),
      { repositories: [repo('extra', ['libfoo', '2-1'], ['app', '1-1'])] },
    );
    expect(plan.upgrade[0].install_reason).toBe('dependency');
    expect(plan.install[0].install_reason).toBe('explicit');
  });

  it('removes what a reverted operation installed even with remove_extra off, and nothing else', () => {
    const before = state(pkg('glibc', '2.39-1', { repository: 'core' }));
    const afterSync = state(
      pkg('glibc', '2.40-1', { repository: 'core' }),
      pkg('newdep', '1-1'),
      pkg('userpkg', '1-1'),
    );
    const plan = planSync(
      afterSync,
      before,
      policy(),
      { repositories: [], cached: [{ name: 'glibc', version: '2.39-1' }] },
      {
        alsoRemove: ['newdep', 'glibc', 'not-installed'],
      },
    );
    expect(plan.remove).toEqual([{ package_name: 'newdep', version: '1-1' }]);
    expect(plan.kept_extra).toEqual([{ package_name: 'userpkg', version: '1-1' }]);
    expect(plan.downgrade.map((i) => [i.package_name, i.to_version, i.source])).toEqual([
      ['glibc', '2.39-1', 'cache'],
    ]);
  });

  it('leaves excluded and (without include_aur) foreign packages out of the plan', () => {
    const installed = state(pkg('linux', '6.11-1'), pkg('paru', '2.0-1', { repository: FOREIGN_REPOSITORY }));
    const wanted = state(
      pkg('linux', '6.12-1'),
      pkg('nvidia', '565-1'),
      pkg('yay', '12-1', { repository: FOREIGN_REPOSITORY }),
    );
    const plan = planSync(
      installed,
      wanted,
      policy({ exclude_packages: ['linux*', 'nvidia*'], remove_extra: true }),
      { repositories: [] },
    );
    expect(plan).toEqual({
      install: [],
      upgrade: [],
      downgrade: [],
      remove: [],
      unavailable: [],
      substituted: [],
      kept_extra: [],
      reasons: [],
      held: [],
      overridden_holds: [],
    });
  });
});

describe('planSync and the archive', () => {
  const wanted = state(pkg('glibc', '2.39+r52-1', { repository: 'core' }));
  const installed = state(pkg('glibc', '2.40+r16-1', { repository: 'core' }));
  const unavailableNames = (repositories: RepositoryReport[]) =>
    planSync(installed, wanted, policy(), { repositories, archive: true }).unavailable.map(
      (u) => u.package_name,
    );

  it("offers every old version of a package the endpoint gets from Arch Linux's own repositories", () => {
    const plan = planSync(installed, wanted, policy(), {
      repositories: [archRepo('core', ['glibc', '2.40+r16-1'])],
      archive: true,
    });
    expect(plan.downgrade.map((i) => [i.package_name, i.to_version, i.source])).toEqual([
      ['glibc', '2.39+r52-1', 'archive'],
    ]);
  });

  it("never claims Manjaro's core, although it is called core too", () => {
    const manjaroCore: RepositoryReport = {
      ...repo('core', ['glibc', '2.40+r16-1']),
      repo_url: 'https://mirrors.manjaro.org/repo/stable/core/x86_64',
    };
    expect(unavailableNames([manjaroCore])).toEqual(['glibc']);
  });

  it('never claims a rebuild that shadows Arch (CachyOS) or a distribution repository (EndeavourOS)', () => {
    const cachyos = {
      ...repo('cachyos-core-v3', ['glibc', '2.40+r16-2.1']),
      repo_url: 'https://mirror.cachyos.org/repo/x86_64_v3/cachyos-core-v3',
    };
    // pacman takes glibc from the first repository that has it: CachyOS's build, not in the archive.
    expect(unavailableNames([cachyos, archRepo('core', ['glibc', '2.40+r16-1'])])).toEqual(['glibc']);
    const endeavour = {
      ...repo('endeavouros', ['glibc', '2.40+r16-1']),
      repo_url: 'https://mirror.alpix.eu/endeavouros/repo/endeavouros/x86_64',
    };
    expect(unavailableNames([endeavour, archRepo('core')])).toEqual(['glibc']);
    // Behind Arch's core, the same EndeavourOS repository does not hide Arch's build.
    expect(unavailableNames([archRepo('core', ['glibc', '2.40+r16-1']), endeavour])).toEqual([]);
  });

  it('never claims a package no repository of the endpoint knows', () => {
    expect(unavailableNames([archRepo('core')])).toEqual(['glibc']);
  });
});

describe('planSync and pacman.conf holds', () => {
  const holds = (overrides: Partial<PacmanHolds>): PacmanHolds => ({
    ignore_pkg: [],
    ignore_group: [],
    ignored_group_members: [],
    ...overrides,
  });
  const installed = state(
    pkg('linux', '6.12.1-1'),
    pkg('linux-firmware', '20241111-1'),
    pkg('xorg-server', '21.1.14-1'),
    pkg('nvidia', '565.77-1'),
    pkg('htop', '3.3.0-1', { install_reason: 'dependency' }),
    pkg('firefox', '133.0-1'),
  );
  const wanted = state(
    pkg('linux', '6.12.4-1'),
    pkg('linux-firmware', '20241111-1'),
    pkg('xorg-server', '21.1.13-1'),
    pkg('htop', '3.3.0-1', { install_reason: 'explicit' }),
    pkg('firefox', '134.0-1'),
    pkg('mesa', '1:24.3.1-1'),
  );
  const offer = (h: PacmanHolds): PackageOffer => ({
    repositories: [
      repo(
        'extra',
        ['linux', '6.12.4-1'],
        ['xorg-server', '21.1.13-1'],
        ['firefox', '134.0-1'],
        ['mesa', '1:24.3.1-1'],
      ),
    ],
    holds: h,
  });

  it('leaves every kind of change to a held package out and says what it would have been', () => {
    const plan = planSync(
      installed,
      wanted,
      policy({ remove_extra: true }),
      offer(
        holds({
          ignore_pkg: ['linux*', 'nvidia', 'hto?', 'mes[a]'],
          ignore_group: ['xorg'],
          ignored_group_members: [{ package_name: 'xorg-server', group: 'xorg' }],
        }),
      ),
    );
    expect(plan.held).toEqual([
      {
        package_name: 'htop',
        change: 'reason',
        installed_version: '3.3.0-1',
        wanted_version: '3.3.0-1',
        reason: 'ignore_pkg',
        held_by: 'hto?',
      },
      {
        package_name: 'linux',
        change: 'upgrade',
        installed_version: '6.12.1-1',
        wanted_version: '6.12.4-1',
        reason: 'ignore_pkg',
        held_by: 'linux*',
      },
      {
        package_name: 'mesa',
        change: 'install',
        installed_version: null,
        wanted_version: '1:24.3.1-1',
        reason: 'ignore_pkg',
        held_by: 'mes[a]',
      },
      {
        package_name: 'nvidia',
        change: 'remove',
        installed_version: '565.77-1',
        wanted_version: null,
        reason: 'ignore_pkg',
        held_by: 'nvidia',
      },
      {
        package_name: 'xorg-server',
        change: 'downgrade',
        installed_version: '21.1.14-1',
        wanted_version: '21.1.13-1',
        reason: 'ignore_group',
        held_by: 'xorg',
      },
    ]);
    expect(plan.upgrade.map((i) => i.package_name)).toEqual(['firefox']);
    expect([plan.install, plan.downgrade, plan.remove, plan.reasons]).toEqual([[], [], [], []]);
    expect(plan.overridden_holds).toEqual([]);
  });

  it('holds before judging availability: a held version nothing offers is not unavailable', () => {
    const plan = planSync(
      state(pkg('linux', '6.12.1-1')),
      state(pkg('linux', '6.13.0-1')),
      policy({ conflict_resolution: 'manual' }),
      { repositories: [repo('core', ['linux', '6.12.1-1'])], holds: holds({ ignore_pkg: ['linux'] }) },
    );
    expect(plan.unavailable).toEqual([]);
    expect(plan.held.map((h) => [h.package_name, h.change])).toEqual([['linux', 'upgrade']]);
  });

  it('changes a held package when the pool overrides the hold, and lists it as overridden', () => {
    const plan = planSync(
      installed,
      wanted,
      policy({ remove_extra: true, override_holds: ['linux', 'nvidia*', 'htop'] }),
      offer(holds({ ignore_pkg: ['linux*', 'nvidia', 'htop'] })),
    );
    expect(plan.upgrade.map((i) => i.package_name)).toEqual(['firefox', 'linux']);
    expect(plan.remove).toEqual([{ package_name: 'nvidia', version: '565.77-1' }]);
    expect(plan.reasons).toEqual([
      { package_name: 'htop', version: '3.3.0-1', from_reason: 'dependency', to_reason: 'explicit' },
    ]);
    expect(plan.overridden_holds.map((h) => [h.package_name, h.change, h.held_by])).toEqual([
      ['htop', 'reason', 'htop'],
      ['linux', 'upgrade', 'linux*'],
      ['nvidia', 'remove', 'nvidia'],
    ]);
    expect(plan.held).toEqual([]);
  });

  it('lets an overridden hold meet availability like any change', () => {
    const plan = planSync(
      state(pkg('linux', '6.12.1-1')),
      state(pkg('linux', '6.13.0-1')),
      policy({ override_holds: ['*'] }),
      { repositories: [repo('core', ['linux', '6.12.1-1'])], holds: holds({ ignore_pkg: ['linux'] }) },
    );
    expect(plan.unavailable.map((u) => u.package_name)).toEqual(['linux']);
    // Nothing changes, so nothing is overridden.
    expect(plan.overridden_holds).toEqual([]);
  });

  it('leaves extras it keeps anyway in kept_extra, not in held', () => {
    const plan = planSync(state(pkg('nvidia', '565.77-1')), state(), policy(), {
      repositories: [],
      holds: holds({ ignore_pkg: ['nvidia'] }),
    });
    expect(plan.kept_extra).toEqual([{ package_name: 'nvidia', version: '565.77-1' }]);
    expect(plan.held).toEqual([]);
  });

  it('sets install reasons where only they differ', () => {
    const plan = planSync(installed, wanted, policy(), offer(holds({})));
    expect(plan.reasons).toEqual([
      { package_name: 'htop', version: '3.3.0-1', from_reason: 'dependency', to_reason: 'explicit' },
    ]);
  });
});
