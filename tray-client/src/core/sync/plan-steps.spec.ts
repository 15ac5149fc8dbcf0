import type { PlanItem } from '@pacman-sync/shared';

import { planItem } from '../../../test/support/plans';
import { ResolvedPackage } from './package-sources';
import { PacmanStep, stepArguments } from '../pacman/pacman-steps';
import { isKeyringPackage, planSteps, reasonsToSet, ResolvedChange } from './plan-steps';

const fromRepository = (repository: string, name: string): ResolvedPackage => ({
  kind: 'sync',
  source: 'repository',
  repository,
  target: `/var/cache/pacman/pkg/${name}-x.pkg.tar.zst`,
});
const fromArchive = (name: string): ResolvedPackage => ({
  kind: 'archive',
  source: 'archive',
  repository: 'core',
  candidates: [`https://archive.example/${name}.pkg.tar.zst`],
  target: `https://archive.example/${name}.pkg.tar.zst`,
});
const change = (
  name: string,
  kind: ResolvedChange['change'],
  file: ResolvedPackage = fromRepository('core', name),
): ResolvedChange => ({ item: planItem(name, kind === 'install' ? null : '1-1', '2-1'), change: kind, file });
/** What each step is about, by name: the short form the tests compare. */
const names = (steps: PacmanStep[]) =>
  steps.map((step) => [
    step.action,
    step.packages.map((target: string | { name: string; repository?: string }) =>
      typeof target === 'string'
        ? target
        : `${target.repository ? `${target.repository}/` : ''}${target.name}`,
    ),
  ]);
const noReasons = { dependency: [], explicit: [] };
const DB = '/home/u/.cache/pacman-sync/db';

describe('isKeyringPackage', () => {
  it("knows Arch's and the distributions' keyrings by their name", () => {
    for (const name of [
      'archlinux-keyring',
      'manjaro-keyring',
      'endeavouros-keyring',
      'cachyos-keyring',
      'archlinuxarm-keyring',
      'chaotic-keyring',
    ]) {
      expect(isKeyringPackage(name)).toBe(true);
    }
    for (const name of [
      'keyring',
      'gnome-keyring-manager',
      'python-keyring-extras',
      'keyring-tools',
      '-keyring',
    ]) {
      expect(isKeyringPackage(name)).toBe(false);
    }
  });
});

describe('planSteps', () => {
  it('is one download and ONE install when no keyring changes, then reasons and removals', () => {
    const steps = planSteps({
      privateDbPath: DB,
      changes: [
        change('glibc', 'upgrade'),
        change('linux', 'upgrade'),
        change('mesa', 'downgrade', fromArchive('mesa')),
      ],
      removeConflicting: false,
      reasons: { dependency: ['glibc'], explicit: ['linux'] },
      removals: ['old-tool'],
    });
    expect(steps).toEqual([
      {
        action: 'download',
        dbpath: DB,
        packages: [
          { repository: 'core', name: 'glibc' },
          { repository: 'core', name: 'linux' },
        ],
      },
      {
        action: 'upgrade',
        packages: [
          { name: 'glibc', version: '2-1', file: '/var/cache/pacman/pkg/glibc-x.pkg.tar.zst' },
          { name: 'linux', version: '2-1', file: '/var/cache/pacman/pkg/linux-x.pkg.tar.zst' },
          { name: 'mesa', version: '2-1', file: 'https://archive.example/mesa.pkg.tar.zst' },
        ],
        remove_conflicting: false,
      },
      { action: 'reason', reason: 'dependency', packages: ['glibc'] },
      { action: 'reason', reason: 'explicit', packages: ['linux'] },
      { action: 'remove', packages: ['old-tool'] },
    ]);
    expect(steps.map(stepArguments)).toEqual([
      [
        '-Sw',
        '--noconfirm',
        '--nodeps',
        '--nodeps',
        '--dbpath=/home/u/.cache/pacman-sync/db',
        '--',
        'core/glibc',
        'core/linux',
      ],
      [
        '-U',
        '--noconfirm',
        '--',
        '/var/cache/pacman/pkg/glibc-x.pkg.tar.zst',
        '/var/cache/pacman/pkg/linux-x.pkg.tar.zst',
        'https://archive.example/mesa.pkg.tar.zst',
      ],
      ['-D', '--asdeps', '--', 'glibc'],
      ['-D', '--asexplicit', '--', 'linux'],
      ['-R', '--noconfirm', '--', 'old-tool'],
    ]);
  });

  it('installs a new keyring in a transaction of its own before the packages signed with its keys', () => {
    const steps = planSteps({
      privateDbPath: DB,
      changes: [
        change('glibc', 'upgrade'),
        change('archlinux-keyring', 'upgrade'),
        change('manjaro-keyring', 'install', fromRepository('manjaro', 'manjaro-keyring')),
        change('linux', 'upgrade'),
      ],
      removeConflicting: true,
      reasons: noReasons,
      removals: [],
    });
    expect(names(steps)).toEqual([
      ['download', ['core/archlinux-keyring', 'manjaro/manjaro-keyring']],
      ['upgrade', ['archlinux-keyring', 'manjaro-keyring']],
      ['download', ['core/glibc', 'core/linux']],
      ['upgrade', ['glibc', 'linux']],
    ]);
    expect(steps.every((step) => step.action !== 'upgrade' || step.remove_conflicting)).toBe(true);
    expect(stepArguments(steps[3]).slice(0, 4)).toEqual(['-U', '--noconfirm', '--ask=4', '--']);
  });

  it('keeps a keyring going back to an older version in the main transaction', () => {
    const steps = planSteps({
      privateDbPath: DB,
      changes: [change('archlinux-keyring', 'downgrade'), change('glibc', 'downgrade')],
      removeConflicting: false,
      reasons: noReasons,
      removals: [],
    });
    expect(names(steps)).toEqual([
      ['download', ['core/archlinux-keyring', 'core/glibc']],
      ['upgrade', ['archlinux-keyring', 'glibc']],
    ]);
  });

  it('downloads nothing for files already local or from the archive, and runs nothing for an empty plan', () => {
    const cacheOnly: ResolvedPackage = {
      kind: 'file',
      source: 'cache',
      repository: null,
      target: '/cache/a.pkg',
    };
    expect(
      planSteps({
        privateDbPath: DB,
        changes: [change('a', 'downgrade', cacheOnly), change('b', 'install', fromArchive('b'))],
        removeConflicting: false,
        reasons: noReasons,
        removals: [],
      }).map((step) => step.action),
    ).toEqual(['upgrade']);
    expect(
      planSteps({
        privateDbPath: DB,
        changes: [],
        removeConflicting: false,
        reasons: noReasons,
        removals: [],
      }),
    ).toEqual([]);
  });
});

describe('reasonsToSet', () => {
  const item = (name: string, from: string | null, reason: PlanItem['install_reason']) =>
    planItem(name, from, '2-1', { install_reason: reason });

  it('sets only what pacman -U leaves different: new installs are explicit, changed versions keep theirs', () => {
    const installed = new Map([
      ['kept-dep', 'dependency'],
      ['kept-explicit', 'explicit'],
      ['flip-to-dep', 'explicit'],
      ['flip-to-explicit', 'dependency'],
    ] as const);
    expect(
      reasonsToSet(
        [
          item('new-explicit', null, 'explicit'),
          item('new-dep', null, 'dependency'),
          item('kept-dep', '1-1', 'dependency'),
          item('kept-explicit', '1-1', 'explicit'),
          item('flip-to-dep', '1-1', 'dependency'),
          item('flip-to-explicit', '1-1', 'explicit'),
        ],
        [],
        installed,
      ),
    ).toEqual({ dependency: ['new-dep', 'flip-to-dep'], explicit: ['flip-to-explicit'] });
  });

  it('sets a reason-only change while it is still needed, and skips packages that are not installed', () => {
    const installed = new Map([
      ['htop', 'dependency'],
      ['vim', 'explicit'],
    ] as const);
    expect(
      reasonsToSet(
        [],
        [
          { package_name: 'htop', version: '3.3.0-1', from_reason: 'dependency', to_reason: 'explicit' },
          { package_name: 'vim', version: '9.1-1', from_reason: 'dependency', to_reason: 'explicit' },
          { package_name: 'gone', version: '1-1', from_reason: 'explicit', to_reason: 'dependency' },
        ],
        installed,
      ),
    ).toEqual({ dependency: [], explicit: ['htop'] });
  });
});
