import type {
  PackageState,
  ReasonDifference,
  StateDiff,
  SyncPolicy,
  SystemState,
  VersionDifference,
} from '../domain/types';
import { compilePackageFilter } from '../policy/exclusions';
import { vercmp } from '../version/vercmp';

/**
 * The difference from `current` to `wanted` under the policy's exclusions and include_aur.
 *
 * Whether a name takes part is decided once per name, by the wanted state's entry when it has one, else
 * by the installed entry: a package the target has from `extra` still counts where it is installed by
 * hand (it differs), and a package the target has as foreign is left out even where a repository
 * provides it. "Same version" is the exact string; vercmp only orders different strings, and vercmp-equal
 * spellings (`1.0-1` and `1.0-01`) count as `older` because the installed one must still change. A package
 * at exactly the wanted version with the other install reason is in `reasons`.
 * Every list is sorted by package name.
 */
export function diffStates(current: SystemState, wanted: SystemState, policy: SyncPolicy): StateDiff {
  return diffIndexed(current, wanted, policy).diff;
}

/** diffStates plus the name indexes it built, so the planner does not build them again. */
export function diffIndexed(
  current: SystemState,
  wanted: SystemState,
  policy: SyncPolicy,
): { diff: StateDiff; wantedByName: Map<string, PackageState>; installedByName: Map<string, PackageState> } {
  const counts = compilePackageFilter(policy);
  const installedByName = indexByName(current.packages, 'current');
  const wantedByName = indexByName(wanted.packages, 'wanted');
  const diff: StateDiff = { missing: [], older: [], newer: [], extra: [], reasons: [] };

  for (const want of wanted.packages) {
    if (!counts(want.package_name, want.repository)) continue;
    const have = installedByName.get(want.package_name);
    if (have === undefined) {
      diff.missing.push(want);
      continue;
    }
    if (have.version === want.version) {
      if (have.install_reason !== want.install_reason) {
        const difference: ReasonDifference = {
          package_name: want.package_name,
          version: want.version,
          current_reason: have.install_reason,
          wanted_reason: want.install_reason,
        };
        diff.reasons.push(difference);
      }
      continue;
    }
    const difference: VersionDifference = {
      package_name: want.package_name,
      current_version: have.version,
      wanted_version: want.version,
    };
    if (vercmp(have.version, want.version) > 0) diff.newer.push(difference);
    else diff.older.push(difference);
  }
  for (const have of current.packages) {
    if (!wantedByName.has(have.package_name) && counts(have.package_name, have.repository))
      diff.extra.push(have);
  }

  diff.missing.sort(byPackageName);
  diff.older.sort(byPackageName);
  diff.newer.sort(byPackageName);
  diff.extra.sort(byPackageName);
  diff.reasons.sort(byPackageName);
  return { diff, wantedByName, installedByName };
}

/** Code-unit order, the same on every machine (localeCompare is not). */
export function byPackageName(a: { package_name: string }, b: { package_name: string }): number {
  return a.package_name < b.package_name ? -1 : a.package_name > b.package_name ? 1 : 0;
}

function indexByName(packages: readonly PackageState[], side: string): Map<string, PackageState> {
  const index = new Map<string, PackageState>();
  for (const pkg of packages) {
    if (index.has(pkg.package_name)) {
      throw new Error(`The ${side} state lists package "${pkg.package_name}" more than once`);
    }
    index.set(pkg.package_name, pkg);
  }
  return index;
}
