import type { PlanItem, SyncPlan } from '@pacman-sync/shared';

/** A SyncPlan with the given parts and every other list empty. */
export function syncPlan(parts: Partial<SyncPlan> = {}): SyncPlan {
  return {
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
    ...parts,
  };
}

/** One plan entry from a repository, explicitly installed, wanting the version it installs. */
export function planItem(
  name: string,
  from: string | null,
  to: string,
  extras: Partial<PlanItem> = {},
): PlanItem {
  return {
    package_name: name,
    from_version: from,
    to_version: to,
    wanted_version: to,
    install_reason: 'explicit',
    source: 'repository',
    repository: null,
    ...extras,
  };
}
