import type { InstallReason, PlanItem, PlanReasonChange } from '@pacman-sync/shared';

import type { PacmanStep } from '../pacman/pacman-steps';
import { ResolvedPackage } from './package-sources';

export interface ResolvedChange {
  item: PlanItem;
  change: 'install' | 'upgrade' | 'downgrade';
  file: ResolvedPackage;
}

/**
 * A keyring package: `archlinux-keyring` and the distributions' own (`manjaro-keyring`,
 * `endeavouros-keyring`, `cachyos-keyring`, `archlinuxarm-keyring`, …). Installing one adds the keys that
 * newer packages are signed with (its install script runs `pacman-key --populate`).
 */
export function isKeyringPackage(name: string): boolean {
  return /^[A-Za-z0-9@_+][A-Za-z0-9@._+-]*-keyring$/.test(name);
}

/**
 * The ordered pacman steps of a plan:
 *
 * 1. A keyring the plan installs or upgrades goes first, in a transaction of its own (downloaded and
 *    checked with the keys the machine has now), because the other packages may be signed with keys only
 *    the new keyring brings: checked before it is installed, they would fail. This is the one change the
 *    plan splits from the rest, as Arch's own advice is (`pacman -S archlinux-keyring` before `-Su`). A
 *    keyring going back to an older version stays in the main transaction: the packages of the plan are
 *    then checked with the newer keys still installed.
 * 2. Everything else in ONE `pacman -U`, repository files downloaded (and checked with their repository's
 *    SigLevel) just before.
 * 3. `pacman -D` for the install reasons that differ afterwards: at most one `--asdeps` and one
 *    `--asexplicit`, and none when every reason already holds.
 * 4. ONE `pacman -R` for the removals the `-U` has not made.
 */
export function planSteps(plan: {
  changes: readonly ResolvedChange[];
  /** The private copy of the sync databases the files were resolved against (what `pacman -Sw` reads). */
  privateDbPath: string;
  /** pacman will remove conflicting installed packages inside the -U (all checked to be planned removals). */
  removeConflicting: boolean;
  reasons: { dependency: readonly string[]; explicit: readonly string[] };
  removals: readonly string[];
}): PacmanStep[] {
  const keyringFirst = (change: ResolvedChange) =>
    isKeyringPackage(change.item.package_name) && change.change !== 'downgrade';
  const groups = [plan.changes.filter(keyringFirst), plan.changes.filter((change) => !keyringFirst(change))];
  const steps: PacmanStep[] = [];
  for (const group of groups) {
    if (group.length === 0) continue;
    const downloads = group.flatMap(({ item, file }) =>
      file.kind === 'sync' ? [{ repository: file.repository, name: item.package_name }] : [],
    );
    if (downloads.length > 0) {
      steps.push({ action: 'download', dbpath: plan.privateDbPath, packages: downloads });
    }
    steps.push({
      action: 'upgrade',
      packages: group.map(({ item, file }) => ({
        name: item.package_name,
        version: item.to_version,
        file: file.target,
      })),
      remove_conflicting: plan.removeConflicting,
    });
  }
  if (plan.reasons.dependency.length > 0) {
    steps.push({ action: 'reason', reason: 'dependency', packages: [...plan.reasons.dependency] });
  }
  if (plan.reasons.explicit.length > 0) {
    steps.push({ action: 'reason', reason: 'explicit', packages: [...plan.reasons.explicit] });
  }
  if (plan.removals.length > 0) steps.push({ action: 'remove', packages: [...plan.removals] });
  return steps;
}

/**
 * The install reasons `pacman -D` must still set once the `-U` is done. pacman -U keeps the reason of a
 * package it upgrades or downgrades and installs a new one as explicitly installed (libalpm's add.c), so
 * only where that differs from the wanted reason is a change needed; a reason-only change is needed while
 * the installed reason differs. Packages not installed at all are left out (pacman -D would fail on them).
 */
export function reasonsToSet(
  changes: readonly PlanItem[],
  reasonChanges: readonly PlanReasonChange[],
  installed: ReadonlyMap<string, InstallReason>,
): { dependency: string[]; explicit: string[] } {
  const needed = { dependency: [] as string[], explicit: [] as string[] };
  for (const item of changes) {
    const after = installed.get(item.package_name) ?? 'explicit';
    if (after !== item.install_reason) needed[item.install_reason].push(item.package_name);
  }
  for (const change of reasonChanges) {
    const current = installed.get(change.package_name);
    if (current !== undefined && current !== change.to_reason)
      needed[change.to_reason].push(change.package_name);
  }
  return needed;
}
