import type { PackageState, RepositoryReport, SystemState } from '../domain/types';
import { sha256Hex } from '../hash/sha256';

// Content addresses of snapshots and repository reports. The client sends only the hash on a routine
// check-in and the server looks the snapshot up by it, so both must derive exactly the same text:
//
//   pacman-sync-state/1\n
//   ["<pacman_version>","<architecture>"]\n
//   one line per package: ["<name>","<version>","<repository>",<installed_size>,"<install_reason>",["<dep>",…]]
//
// Each line is JSON.stringify of an array, so no field separator can be forged inside a value, and the
// lines are sorted by plain UTF-16 code-unit order (never localeCompare, which differs between machines).
// A package line starts with its name, so this orders packages by name; dependencies are sorted inside
// their line. The result is `sha256:` + 64 lowercase hex digits: the prefix names the algorithm so that a
// future change of canonical form or algorithm can be told apart from an old hash, and the `/1` in the
// header is bumped whenever the canonical text changes.

export const CONTENT_HASH_PREFIX = 'sha256:';
const STATE_HEADER = 'pacman-sync-state/1';
const REPOSITORIES_HEADER = 'pacman-sync-repositories/1';

/**
 * Hex SHA-256 of a string's UTF-8 bytes. The pure-TypeScript one runs everywhere; a Node caller may pass
 * node:crypto's (several times faster), which must give the same digest for the same text.
 */
export type Sha256Hex = (text: string) => string;

/** The canonical text of a snapshot (see the comment at the top of this file). */
export function canonicalState(state: SystemState): string {
  const lines = state.packages.map(canonicalPackageLine);
  sortCodeUnits(lines);
  return (
    `${STATE_HEADER}\n${JSON.stringify([state.pacman_version, state.architecture])}\n` +
    lines.join('\n') +
    (lines.length > 0 ? '\n' : '')
  );
}

/** `sha256:<hex>` of the canonical text: equal for the same package set in any order. */
export function stateContentHash(state: SystemState, sha256: Sha256Hex = sha256Hex): string {
  return CONTENT_HASH_PREFIX + sha256(canonicalState(state));
}

/**
 * `sha256:<hex>` of a set of repository reports, independent of the order of the repositories and of
 * their packages, so endpoints with identical repository contents share one stored copy. The order of
 * repositories in pacman.conf is deliberately not part of it: whoever needs that order (the plan's
 * source preference) must keep it beside the hash.
 */
export function repositoryContentHash(
  repositories: readonly RepositoryReport[],
  sha256: Sha256Hex = sha256Hex,
): string {
  const blocks = repositories.map((repository) => {
    const lines = repository.packages.map((pkg) => JSON.stringify([pkg.name, pkg.version, pkg.architecture]));
    sortCodeUnits(lines);
    return `${JSON.stringify([repository.repo_name, repository.repo_url])}\n${lines.join('\n')}`;
  });
  sortCodeUnits(blocks);
  return CONTENT_HASH_PREFIX + sha256(`${REPOSITORIES_HEADER}\n${blocks.join('\n\n')}\n`);
}

function canonicalPackageLine(pkg: PackageState): string {
  const dependencies = pkg.dependencies.slice();
  sortCodeUnits(dependencies);
  return JSON.stringify([
    pkg.package_name,
    pkg.version,
    pkg.repository,
    pkg.installed_size,
    pkg.install_reason,
    dependencies,
  ]);
}

/** Array.prototype.sort's default order is UTF-16 code-unit order: the same in every JavaScript engine. */
function sortCodeUnits(values: string[]): void {
  values.sort();
}
