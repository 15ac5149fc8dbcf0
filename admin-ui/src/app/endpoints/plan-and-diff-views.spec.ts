import { TestBed } from '@angular/core/testing';
import { DEFAULT_SYNC_POLICY, diffStates, type PackageState, type SystemState } from '@pacman-sync/shared';

import type { PlanItemDto, SyncPlanDto } from '../api/generated/models';
import { PlanViewComponent, planRows } from './plan-view.component';
import { diffRows } from './state-diff-view.component';

const item = (package_name: string, from: string | null, to: string, wanted = to): PlanItemDto => ({
  package_name,
  from_version: from,
  to_version: to,
  wanted_version: wanted,
  install_reason: 'explicit',
  source: 'repository',
  repository: 'core',
});

const PLAN: SyncPlanDto = {
  install: [item('htop', null, '3.3.0-1')],
  upgrade: [item('linux', '6.6.10-1', '6.7.1-1')],
  downgrade: [item('mesa', '24.1.0-1', '24.0.2-1', '24.0.1-1')],
  remove: [],
  unavailable: [
    {
      package_name: 'firefox',
      wanted_version: '122.0-1',
      installed_version: '121.0-1',
      available_versions: ['121.0-1'],
    },
  ],
  substituted: [item('mesa', '24.1.0-1', '24.0.2-1', '24.0.1-1')],
  kept_extra: [{ package_name: 'steam', version: '1.0.0.79-1' }],
  reasons: [],
  held: [],
  overridden_holds: [],
};

describe('planRows', () => {
  it('reads as one table: change, package, installed, wanted, and why', () => {
    expect(planRows(PLAN).map((row) => [row.change, row.name, row.from, row.to, row.note])).toEqual([
      ['install', 'htop', '—', '3.3.0-1', 'from core'],
      ['upgrade', 'linux', '6.6.10-1', '6.7.1-1', 'from core'],
      ['downgrade', 'mesa', '24.1.0-1', '24.0.2-1', 'wanted 24.0.1-1, closest available taken; from core'],
      ['unavailable', 'firefox', '121.0-1', '122.0-1', 'offered: 121.0-1'],
      ['keep extra', 'steam', '1.0.0.79-1', '1.0.0.79-1', 'not in the target; kept (remove extra is off)'],
    ]);
  });

  it('names the cache or the archive as the source when no repository delivers the file', () => {
    const fromCache = { ...item('linux', '6.7.1-1', '6.6.10-1'), source: 'cache' as const, repository: null };
    const fromArchive = { ...item('glibc', null, '2.38-7'), source: 'archive' as const, repository: null };
    const plan = { ...PLAN, install: [fromArchive], upgrade: [], downgrade: [fromCache], unavailable: [] };
    expect(planRows(plan).map((row) => [row.change, row.name, row.from, row.to, row.note])).toEqual([
      ['install', 'glibc', '—', '2.38-7', 'archive'],
      ['downgrade', 'linux', '6.7.1-1', '6.6.10-1', 'cache'],
      ['keep extra', 'steam', '1.0.0.79-1', '1.0.0.79-1', 'not in the target; kept (remove extra is off)'],
    ]);
  });

  it('shows held packages with the hold, reason-only changes, and the holds the pool overrides', () => {
    const plan: SyncPlanDto = {
      ...PLAN,
      install: [],
      downgrade: [],
      unavailable: [],
      substituted: [],
      kept_extra: [],
      remove: [{ package_name: 'nvidia', version: '565.77-1' }],
      reasons: [
        { package_name: 'htop', version: '3.3.0-1', from_reason: 'dependency', to_reason: 'explicit' },
      ],
      held: [
        {
          package_name: 'xorg-server',
          change: 'downgrade',
          installed_version: '21.1.14-1',
          wanted_version: '21.1.13-1',
          reason: 'ignore_group',
          held_by: 'xorg',
        },
        {
          package_name: 'steam',
          change: 'remove',
          installed_version: '1.0.0.79-1',
          wanted_version: null,
          reason: 'ignore_pkg',
          held_by: 'ste*',
        },
      ],
      overridden_holds: [
        {
          package_name: 'linux',
          change: 'upgrade',
          installed_version: '6.6.10-1',
          wanted_version: '6.7.1-1',
          reason: 'ignore_pkg',
          held_by: 'linux*',
        },
      ],
    };
    expect(planRows(plan).map((row) => [row.change, row.name, row.from, row.to, row.note])).toEqual([
      [
        'upgrade',
        'linux',
        '6.6.10-1',
        '6.7.1-1',
        'from core; held by IgnorePkg linux*; the pool overrides the hold',
      ],
      ['remove', 'nvidia', '565.77-1', '—', ''],
      ['set reason', 'htop', '3.3.0-1 (dependency)', '3.3.0-1 (explicit)', 'install reason only'],
      [
        'held',
        'xorg-server',
        '21.1.14-1',
        '21.1.13-1',
        'IgnoreGroup xorg on the endpoint; the plan would downgrade it',
      ],
      ['held', 'steam', '1.0.0.79-1', '—', 'IgnorePkg ste* on the endpoint; the plan would remove it'],
    ]);
  });

  it('renders a summary and says when there is nothing to do', async () => {
    const fixture = TestBed.createComponent(PlanViewComponent);
    fixture.componentRef.setInput('plan', PLAN);
    await fixture.whenStable();
    const element = fixture.nativeElement as HTMLElement;
    expect(element.querySelector('[data-testid=plan-summary]')!.textContent!.trim()).toBe(
      '1 install, 1 upgrade, 1 downgrade, 1 unavailable, 1 extra kept',
    );
    fixture.componentRef.setInput('plan', {
      ...PLAN,
      install: [],
      upgrade: [],
      downgrade: [],
      unavailable: [],
      kept_extra: [],
    });
    await fixture.whenStable();
    expect(element.querySelector('[data-testid=plan-empty]')).not.toBeNull();
  });
});

describe('PlanViewComponent with a 2,000-package first sync', () => {
  it('renders the first 200 rows and the rest on request', async () => {
    const fixture = TestBed.createComponent(PlanViewComponent);
    const installs = Array.from({ length: 2000 }, (_, i) => item(`pkg-${i}`, null, '1.0-1'));
    fixture.componentRef.setInput('plan', {
      ...PLAN,
      install: installs,
      upgrade: [],
      downgrade: [],
      unavailable: [],
      kept_extra: [],
    });
    await fixture.whenStable();
    const element = fixture.nativeElement as HTMLElement;
    expect(element.querySelectorAll('tbody tr')).toHaveLength(200);
    const showAll = [...element.querySelectorAll('button')].find((button) =>
      button.textContent!.includes('Show all'),
    )!;
    expect(showAll.textContent!.trim()).toBe('Show all 2000 packages');
    showAll.click();
    await fixture.whenStable();
    expect(element.querySelectorAll('tbody tr')).toHaveLength(2000);
  });
});

describe('diffRows over the shared diffStates', () => {
  const pkg = (package_name: string, version: string, repository = 'core'): PackageState => ({
    package_name,
    version,
    repository,
    installed_size: 1,
    dependencies: [],
    install_reason: 'explicit',
  });
  const state = (...packages: PackageState[]): SystemState => ({
    pacman_version: '6.0.2',
    architecture: 'x86_64',
    packages,
  });

  it('names a package whose install reason alone changed', () => {
    const before = state(pkg('htop', '3.3.0-1'));
    const after = state({ ...pkg('htop', '3.3.0-1'), install_reason: 'dependency' });
    expect(diffRows(diffStates(before, after, DEFAULT_SYNC_POLICY))).toEqual([
      { change: 'reason changed', name: 'htop', from: '3.3.0-1 (explicit)', to: '3.3.0-1 (dependency)' },
    ]);
  });

  it('names what changed between two snapshots of one machine, foreign packages included', () => {
    const before = state(
      pkg('linux', '6.6.10-1'),
      pkg('mesa', '24.1.0-1'),
      pkg('vim', '9.1-1'),
      pkg('yay', '12.0-1', 'local'),
    );
    const after = state(
      pkg('linux', '6.7.1-1'),
      pkg('mesa', '24.0.1-1'),
      pkg('htop', '3.3.0-1'),
      pkg('yay', '12.1-1', 'local'),
    );
    const rows = diffRows(diffStates(before, after, { ...DEFAULT_SYNC_POLICY, include_aur: true }));
    expect(rows.map((row) => `${row.change} ${row.name} ${row.from} -> ${row.to}`)).toEqual([
      'added htop — -> 3.3.0-1',
      'upgraded linux 6.6.10-1 -> 6.7.1-1',
      'downgraded mesa 24.1.0-1 -> 24.0.1-1',
      'removed vim 9.1-1 -> —',
      'upgraded yay 12.0-1 -> 12.1-1',
    ]);
  });
});
