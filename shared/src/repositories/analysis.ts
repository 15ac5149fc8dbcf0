import type {
  CompatibilityAnalysis,
  ExcludedPackage,
  PackageConflict,
  PackageState,
  RepositoryPackage,
  RepositorySet,
  SyncPolicy,
  SystemState,
} from '../domain/types';
import { compilePackageFilter } from '../policy/exclusions';
import { vercmp } from '../version/vercmp';

interface OtherOffer {
  version: string;
  repository: string;
}

/**
 * Which of the pool target's packages every endpoint's repositories can deliver (DESIGN.md §3
 * "Repository analysis"). Per target package that the policy counts (foreign ones only with include_aur,
 * excluded names never):
 *   - common_packages: every endpoint is offered the target's exact version (repository and architecture
 *     of the first set's first repository offering it);
 *   - excluded_packages: at least one endpoint is offered no version at all (`missing_on` lists them);
 *   - conflicts: every endpoint is offered the package, but some only at other versions (`offered` lists
 *     those endpoints' versions, grouped by version and repository).
 * Endpoints with identical repositories come grouped in one RepositorySet, so the work is per distinct set:
 * one pass over each set's packages, looking up only the target's names. With no sets there is nothing to
 * judge and every list is empty. All lists and endpoint ids are sorted.
 */
export function analyzePool(
  poolId: string,
  target: SystemState,
  sets: readonly RepositorySet[],
  policy: SyncPolicy,
  now: Date = new Date(),
): CompatibilityAnalysis {
  const counts = compilePackageFilter(policy);
  const subjects: PackageState[] = target.packages.filter((pkg) => counts(pkg.package_name, pkg.repository));
  subjects.sort((a, b) => (a.package_name < b.package_name ? -1 : a.package_name > b.package_name ? 1 : 0));
  const subjectIndex = new Map<string, number>();
  subjects.forEach((pkg, index) => {
    if (subjectIndex.has(pkg.package_name)) {
      throw new Error(`The target state lists package "${pkg.package_name}" more than once`);
    }
    subjectIndex.set(pkg.package_name, index);
  });

  const analysis: CompatibilityAnalysis = {
    pool_id: poolId,
    common_packages: [],
    excluded_packages: [],
    conflicts: [],
    last_analyzed: now.toISOString(),
  };
  const activeSets = sets.filter((set) => set.endpoint_ids.length > 0);
  if (activeSets.length === 0) return analysis;

  const endpointIds = activeSets.map((set) => set.endpoint_ids.slice().sort());
  const versions = subjects.map((pkg) => pkg.version);
  const offers = activeSets.map((set) => offersOf(set, versions, subjectIndex));

  for (let index = 0; index < subjects.length; index++) {
    const pkg = subjects[index];
    const missingOn: string[] = [];
    let everywhereExact = true;
    for (let s = 0; s < activeSets.length; s++) {
      if (offers[s].exactRepository[index] !== null) continue;
      everywhereExact = false;
      if (offers[s].others[index] === null) missingOn.push(...endpointIds[s]);
    }
    if (everywhereExact) {
      analysis.common_packages.push(repositoryPackage(pkg, offers[0], index));
    } else if (missingOn.length > 0) {
      analysis.excluded_packages.push(excluded(pkg, missingOn, activeSets.length));
    } else {
      analysis.conflicts.push(conflict(pkg, index, offers, endpointIds));
    }
  }
  return analysis;
}

interface SetOffers {
  /** Per target package (by index): repository offering the exact version, null when none does. */
  exactRepository: Array<string | null>;
  exactArchitecture: string[];
  /** Per target package: the other versions offered, null when none. */
  others: Array<OtherOffer[] | null>;
}

/** One pass over a set's repositories in pacman.conf order, keeping only what the target asks about. */
function offersOf(
  set: RepositorySet,
  versions: readonly string[],
  subjectIndex: Map<string, number>,
): SetOffers {
  // Filled (not holey) arrays without an object per entry: this loop is the analysis's hot path.
  const exactRepository: Array<string | null> = new Array<string | null>(versions.length).fill(null);
  const exactArchitecture: string[] = new Array<string>(versions.length).fill('');
  const others: Array<OtherOffer[] | null> = new Array<OtherOffer[] | null>(versions.length).fill(null);
  for (const repository of set.repositories) {
    const repoName = repository.repo_name;
    for (const pkg of repository.packages) {
      const index = subjectIndex.get(pkg.name);
      if (index === undefined) continue;
      if (pkg.version === versions[index]) {
        if (exactRepository[index] === null) {
          exactRepository[index] = repoName;
          exactArchitecture[index] = pkg.architecture;
        }
        continue;
      }
      const list = others[index];
      if (list === null) others[index] = [{ version: pkg.version, repository: repoName }];
      else if (!list.some((offer) => offer.version === pkg.version)) {
        list.push({ version: pkg.version, repository: repoName });
      }
    }
  }
  return { exactRepository, exactArchitecture, others };
}

function repositoryPackage(pkg: PackageState, offers: SetOffers, index: number): RepositoryPackage {
  return {
    name: pkg.package_name,
    version: pkg.version,
    repository: offers.exactRepository[index]!,
    architecture: offers.exactArchitecture[index],
  };
}

function excluded(pkg: PackageState, missingOn: string[], setCount: number): ExcludedPackage {
  // Each set's ids are sorted already; only ids gathered from several sets need sorting again.
  if (setCount > 1) missingOn.sort();
  return { package_name: pkg.package_name, target_version: pkg.version, missing_on: missingOn };
}

function conflict(
  pkg: PackageState,
  index: number,
  offers: readonly SetOffers[],
  endpointIds: readonly string[][],
): PackageConflict {
  // Usually one or two groups: a linear search beats building keys for a Map.
  const groups: Array<{ endpoint_ids: string[]; version: string; repository: string; merged: boolean }> = [];
  for (let s = 0; s < offers.length; s++) {
    if (offers[s].exactRepository[index] !== null) continue;
    for (const other of offers[s].others[index]!) {
      const group = groups.find((g) => g.version === other.version && g.repository === other.repository);
      if (group === undefined) {
        // Each set's ids are sorted already and shared until a second set joins the group.
        groups.push({
          endpoint_ids: endpointIds[s],
          version: other.version,
          repository: other.repository,
          merged: false,
        });
      } else {
        group.endpoint_ids = group.merged ? group.endpoint_ids : group.endpoint_ids.slice();
        group.endpoint_ids.push(...endpointIds[s]);
        group.merged = true;
      }
    }
  }
  groups.sort(
    (a, b) =>
      vercmp(a.version, b.version) ||
      (a.version < b.version ? -1 : a.version > b.version ? 1 : 0) ||
      (a.repository < b.repository ? -1 : a.repository > b.repository ? 1 : 0),
  );
  const offered = groups.map((group) => ({
    endpoint_ids: group.merged ? group.endpoint_ids.sort() : group.endpoint_ids.slice(),
    version: group.version,
    repository: group.repository,
  }));
  return { package_name: pkg.package_name, target_version: pkg.version, offered };
}
