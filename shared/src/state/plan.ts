import {
  FOREIGN_REPOSITORY,
  type ConflictResolution,
  type HoldReason,
  type PacmanHolds,
  type PackageOffer,
  type PlanChange,
  type PlanItem,
  type PlanRemoval,
  type SyncPlan,
  type SyncPolicy,
  type SystemState,
  type UnavailablePackage,
} from '../domain/types';
import { compileExclusions, compilePacmanPatterns } from '../policy/exclusions';
import { isArchLinuxRepository } from '../repositories/arch-linux';
import { vercmp } from '../version/vercmp';
import { byPackageName, diffIndexed } from './diff';

export interface PlanOptions {
  /**
   * Extra packages to remove whatever `remove_extra` says: a revert passes what the reverted operation
   * installed. Names that are not extra (the wanted state has them, or the policy leaves them out) are
   * never removed.
   */
  alsoRemove?: readonly string[];
}

/** One version of a package the endpoint can get, and where from. */
interface OfferedVersion {
  version: string;
  /** First repository in pacman.conf order offering it, null when only the cache holds it. */
  repository: string | null;
  cached: boolean;
}

/**
 * The plan that takes an endpoint from `current` (null: nothing reported, everything is an install) to
 * `wanted`, given what its repositories, cache and archive offer (DESIGN.md §3 "Sync plan").
 *
 * Sources, in order of preference: the package cache, then the first repository in report order (which
 * is pacman.conf order), then the archive. The archive only holds what Arch Linux's own repositories once
 * shipped, so it counts only for a package the endpoint gets from one of those (the first repository
 * offering the name is Arch's: isArchLinuxRepository) and that is not foreign in the wanted state.
 *
 * Holds: a package the endpoint's pacman.conf holds (offer.holds: IgnorePkg, IgnoreGroup) is never changed
 * — no install, upgrade, downgrade, removal or reason — and is listed in `held` with what the plan would
 * have done, before availability is judged (a held package is never `unavailable`). When the policy's
 * override_holds matches its name the change is planned as usual and also listed in `overridden_holds`.
 * A package installed at the wanted version with the other install reason is in `reasons`.
 *
 * A wanted version nothing offers is `unavailable` under `manual`. Under `newest`/`oldest` the closest
 * offered version is taken and the item also appears in `substituted`:
 *   newest: the smallest offered version >= wanted, else the largest one below it;
 *   oldest: the largest offered version <= wanted, else the smallest one above it.
 * (>= and <= are vercmp's, so a vercmp-equal spelling is the closest of all.) With nothing offered at all
 * the package stays unavailable. The chosen version is compared to the installed one: newer is an
 * upgrade, older a downgrade, vercmp-equal but spelt differently an upgrade (pacman reinstalls it to
 * the exact string), identical no change at all — a substitution that leaves the package as it is still
 * appears in `substituted` (from_version = to_version) so the plan says why it does not reach the target.
 * Every list is sorted by package name.
 */
export function planSync(
  current: SystemState | null,
  wanted: SystemState,
  policy: SyncPolicy,
  offer: PackageOffer,
  options: PlanOptions = {},
): SyncPlan {
  const installed = current ?? {
    pacman_version: wanted.pacman_version,
    architecture: wanted.architecture,
    packages: [],
  };
  const { diff, wantedByName } = diffIndexed(installed, wanted, policy);
  const plan: SyncPlan = {
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
  };
  const holdOf = compileHolds(offer.holds, compileExclusions(policy.override_holds));
  const record = (hold: Hold, change: PlanChange, name: string, from: string | null, to: string | null) =>
    (hold.overridden ? plan.overridden_holds : plan.held).push({
      package_name: name,
      change,
      installed_version: from,
      wanted_version: to,
      reason: hold.reason,
      held_by: hold.held_by,
    });

  const changes: Array<{ name: string; from: string | null; wantedVersion: string }> = [];
  for (const pkg of diff.missing)
    changes.push({ name: pkg.package_name, from: null, wantedVersion: pkg.version });
  for (const change of [...diff.older, ...diff.newer]) {
    changes.push({
      name: change.package_name,
      from: change.current_version,
      wantedVersion: change.wanted_version,
    });
  }
  const offered = indexOffer(
    offer,
    changes.map((change) => change.name),
  );
  const archLinuxRepositories = new Set(
    offer.repositories
      .filter((repository) => isArchLinuxRepository(repository.repo_name, repository.repo_url))
      .map((repository) => repository.repo_name),
  );

  for (const { name, from, wantedVersion } of changes) {
    const hold = holdOf(name);
    if (hold !== null && !hold.overridden) {
      const change = from === null ? 'install' : vercmp(wantedVersion, from) < 0 ? 'downgrade' : 'upgrade';
      record(hold, change, name, from, wantedVersion);
      continue;
    }
    const wantedPackage = wantedByName.get(name)!;
    const versions = offered.get(name)!;
    // indexOffer lists repository versions first, in pacman.conf order: the first is the name's provider.
    const provider = versions.length > 0 ? versions[0].repository : null;
    const archiveHasIt =
      offer.archive === true &&
      wantedPackage.repository !== FOREIGN_REPOSITORY &&
      provider !== null &&
      archLinuxRepositories.has(provider);
    const chosen = choose(versions, wantedVersion, archiveHasIt, policy.conflict_resolution);
    if (chosen === null) {
      plan.unavailable.push(unavailable(name, wantedVersion, from, versions));
      continue;
    }
    const item: PlanItem = {
      package_name: name,
      from_version: from,
      to_version: chosen.version,
      wanted_version: wantedVersion,
      install_reason: wantedPackage.install_reason,
      source: chosen.cached ? 'cache' : chosen.repository !== null ? 'repository' : 'archive',
      repository: chosen.cached ? null : chosen.repository,
    };
    if (item.to_version !== wantedVersion) plan.substituted.push(item);
    if (from === item.to_version) continue;
    const change: PlanChange =
      from === null ? 'install' : vercmp(item.to_version, from) < 0 ? 'downgrade' : 'upgrade';
    plan[change].push(item);
    if (hold !== null) record(hold, change, name, from, wantedVersion);
  }

  const alsoRemove = new Set(options.alsoRemove ?? []);
  for (const pkg of diff.extra) {
    const removal: PlanRemoval = { package_name: pkg.package_name, version: pkg.version };
    if (!policy.remove_extra && !alsoRemove.has(pkg.package_name)) {
      plan.kept_extra.push(removal);
      continue;
    }
    const hold = holdOf(pkg.package_name);
    if (hold !== null) record(hold, 'remove', pkg.package_name, pkg.version, null);
    if (hold === null || hold.overridden) plan.remove.push(removal);
  }

  for (const difference of diff.reasons) {
    const hold = holdOf(difference.package_name);
    if (hold !== null)
      record(hold, 'reason', difference.package_name, difference.version, difference.version);
    if (hold !== null && !hold.overridden) continue;
    plan.reasons.push({
      package_name: difference.package_name,
      version: difference.version,
      from_reason: difference.current_reason,
      to_reason: difference.wanted_reason,
    });
  }

  plan.install.sort(byPackageName);
  plan.upgrade.sort(byPackageName);
  plan.downgrade.sort(byPackageName);
  plan.unavailable.sort(byPackageName);
  plan.substituted.sort(byPackageName);
  plan.held.sort(byPackageName);
  plan.overridden_holds.sort(byPackageName);
  return plan;
}

interface Hold {
  reason: HoldReason;
  held_by: string;
  /** The pool's override_holds matches the name: the change goes ahead and is listed in overridden_holds. */
  overridden: boolean;
}

/**
 * An endpoint's holds as one lookup, name → what holds it (null: nothing): IgnorePkg first, as libalpm
 * checks it first, then the members of ignored groups. The client checks plans with it too.
 */
export function compilePacmanHolds(
  holds: PacmanHolds | undefined,
): (name: string) => { reason: HoldReason; held_by: string } | null {
  if (holds === undefined) return () => null;
  const ignoredBy = compilePacmanPatterns(holds.ignore_pkg);
  const groupOf = new Map<string, string>();
  for (const member of holds.ignored_group_members) {
    if (!groupOf.has(member.package_name)) groupOf.set(member.package_name, member.group);
  }
  return (name) => {
    const pattern = ignoredBy(name);
    if (pattern !== null) return { reason: 'ignore_pkg', held_by: pattern };
    const group = groupOf.get(name);
    return group === undefined ? null : { reason: 'ignore_group', held_by: group };
  };
}

function compileHolds(
  holds: PacmanHolds | undefined,
  isOverridden: (name: string) => boolean,
): (name: string) => Hold | null {
  const holdOf = compilePacmanHolds(holds);
  return (name) => {
    const hold = holdOf(name);
    return hold === null ? null : { ...hold, overridden: isOverridden(name) };
  };
}

/** A hold in pacman.conf's words: "IgnorePkg linux*", "IgnoreGroup xorg". */
export function describeHold(hold: { reason: HoldReason; held_by: string }): string {
  return `${hold.reason === 'ignore_group' ? 'IgnoreGroup' : 'IgnorePkg'} ${hold.held_by}`;
}

/** How many changes applying the plan makes: versions, removals and install reasons. */
export function planChangeCount(plan: SyncPlan): number {
  return (
    plan.install.length +
    plan.upgrade.length +
    plan.downgrade.length +
    plan.remove.length +
    plan.reasons.length
  );
}

/**
 * One pass over the offer, keeping only the names the plan asks about: the repositories hold ten times
 * more packages than an endpoint has installed, and most of the plan's cost would otherwise be indexing
 * entries nobody looks at.
 */
function indexOffer(offer: PackageOffer, names: readonly string[]): Map<string, OfferedVersion[]> {
  const offered = new Map<string, OfferedVersion[]>();
  for (const name of names) offered.set(name, []);
  if (offered.size === 0) return offered;
  for (const repository of offer.repositories) {
    const repoName = repository.repo_name;
    for (const pkg of repository.packages) {
      const versions = offered.get(pkg.name);
      if (versions === undefined || findVersion(versions, pkg.version) !== undefined) continue;
      versions.push({ version: pkg.version, repository: repoName, cached: false });
    }
  }
  for (const pkg of offer.cached ?? []) {
    const versions = offered.get(pkg.name);
    if (versions === undefined) continue;
    const known = findVersion(versions, pkg.version);
    if (known === undefined) versions.push({ version: pkg.version, repository: null, cached: true });
    else known.cached = true;
  }
  return offered;
}

function findVersion(versions: OfferedVersion[], version: string): OfferedVersion | undefined {
  for (const offered of versions) if (offered.version === version) return offered;
  return undefined;
}

function choose(
  versions: OfferedVersion[],
  wantedVersion: string,
  archiveHasIt: boolean,
  rule: ConflictResolution,
): OfferedVersion | null {
  const exact = findVersion(versions, wantedVersion);
  if (exact !== undefined) return exact;
  if (archiveHasIt) return { version: wantedVersion, repository: null, cached: false };
  if (rule === 'manual' || versions.length === 0) return null;
  const ordered = versions.slice().sort(byVersion);
  if (rule === 'newest') {
    return (
      ordered.find((offered) => vercmp(offered.version, wantedVersion) >= 0) ?? ordered[ordered.length - 1]
    );
  }
  for (let i = ordered.length - 1; i >= 0; i--) {
    if (vercmp(ordered[i].version, wantedVersion) <= 0) {
      // Among vercmp-equal spellings the first in byVersion order is the deterministic pick.
      let first = i;
      while (first > 0 && vercmp(ordered[first - 1].version, ordered[i].version) === 0) first--;
      return ordered[first];
    }
  }
  return ordered[0];
}

/** vercmp order; vercmp-equal spellings by code units, so choices never depend on input order. */
function byVersion(a: OfferedVersion, b: OfferedVersion): number {
  return vercmp(a.version, b.version) || (a.version < b.version ? -1 : a.version > b.version ? 1 : 0);
}

function unavailable(
  name: string,
  wantedVersion: string,
  installedVersion: string | null,
  versions: OfferedVersion[],
): UnavailablePackage {
  return {
    package_name: name,
    wanted_version: wantedVersion,
    installed_version: installedVersion,
    available_versions: versions
      .slice()
      .sort(byVersion)
      .map((offered) => offered.version),
  };
}
