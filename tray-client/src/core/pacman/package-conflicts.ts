import { vercmp } from '@pacman-sync/shared';

import { PackageRelations } from './alpm-db';

type Comparison = '<' | '<=' | '>' | '>=' | '=';

/** One depend, conflict or provision string, split the way libalpm's `alpm_dep_from_string` splits it. */
export interface Dependency {
  name: string;
  comparison: Comparison | null;
  version: string | null;
}

export function parseDependency(text: string): Dependency {
  // libalpm cuts an optional ": description" before looking for an operator.
  const described = text.indexOf(': ');
  const spec = described === -1 ? text : text.slice(0, described);
  // The same search order as libalpm: '<' anywhere first, then '>', then '='.
  for (const operator of ['<', '>', '='] as const) {
    const at = spec.indexOf(operator);
    if (at === -1) continue;
    const withEquals = operator !== '=' && spec[at + 1] === '=';
    return {
      name: spec.slice(0, at),
      comparison: withEquals ? (`${operator}=` as Comparison) : operator,
      version: spec.slice(at + (withEquals ? 2 : 1)),
    };
  }
  return { name: spec, comparison: null, version: null };
}

function versionMatches(version: string, dependency: Dependency): boolean {
  if (dependency.comparison === null || dependency.version === null) return true;
  const order = vercmp(version, dependency.version);
  switch (dependency.comparison) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '=':
      return order === 0;
  }
}

/**
 * libalpm's `_alpm_depcmp`: the package itself by name and version, or one of its provisions. A
 * provision without a version satisfies only an unversioned dependency (or conflict).
 */
export function satisfies(pkg: PackageRelations, dependency: Dependency): boolean {
  if (pkg.name === dependency.name && versionMatches(pkg.version, dependency)) return true;
  return pkg.provides.some((text) => {
    const provision = parseDependency(text);
    if (provision.name !== dependency.name) return false;
    if (dependency.comparison === null) return true;
    return (
      provision.comparison === '=' &&
      provision.version !== null &&
      versionMatches(provision.version, dependency)
    );
  });
}

export interface PackageConflict {
  /** The package whose `conflicts` entry matched. */
  declaredBy: string;
  /** The package it matched. */
  matched: string;
  /** The conflicts entry as written, e.g. `iptables` or `foo<2`. */
  reason: string;
}

export interface TransactionConflicts {
  /**
   * Installed packages that pacman will ask to remove (one entry per conflict; `installed` names the
   * package that goes), in either direction: a target's conflicts matching it, or its conflicts matching
   * a target.
   */
  removals: Array<PackageConflict & { installed: string }>;
  /** Conflicts between two packages of the same transaction: pacman refuses, or silently drops one. */
  betweenTargets: PackageConflict[];
}

/**
 * What pacman 6's `-U` will find when it looks for conflicting packages (libalpm `_alpm_innerconflicts`
 * and `_alpm_outerconflicts`). An installed package that a target of the same name replaces is not
 * checked itself; its new version is. `replaces` plays no part: only a system upgrade (`-Su`) acts on it.
 */
export function transactionConflicts(
  targets: readonly PackageRelations[],
  installed: readonly PackageRelations[],
): TransactionConflicts {
  const targetNames = new Set(targets.map((pkg) => pkg.name));
  const staying = installed.filter((pkg) => !targetNames.has(pkg.name));
  const matches = (from: readonly PackageRelations[], against: readonly PackageRelations[]) => {
    const found: PackageConflict[] = [];
    for (const pkg of from) {
      for (const reason of pkg.conflicts) {
        const dependency = parseDependency(reason);
        for (const other of against) {
          if (other.name !== pkg.name && satisfies(other, dependency)) {
            found.push({ declaredBy: pkg.name, matched: other.name, reason });
          }
        }
      }
    }
    return found;
  };
  const removals = [
    ...matches(targets, staying).map((conflict) => ({ ...conflict, installed: conflict.matched })),
    ...matches(staying, targets).map((conflict) => ({ ...conflict, installed: conflict.declaredBy })),
  ];
  return { removals, betweenTargets: matches(targets, targets) };
}
