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

interface ExactOffer {
  repository: string;
  architecture: string;
}
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
  const offers = activeSets.map((set) => offersOf(set, subjects, subjectIndex));

  for (let index = 0; index < subjects.length; index++) {
    const pkg = subjects[index];
    const missingOn: string[] = [];
    let everywhereExact = true;
    for (let s = 0; s < activeSets.length; s++) {
      if (offers[s].exact[index] !== undefined) continue;
      everywhereExact = false;
      if (offers[s].others[index] === undefined) missingOn.push(...endpointIds[s]);
    }
    if (everywhereExact) {
      const exact = offers[0].exact[index]!;
      analysis.common_packages.push(repositoryPackage(pkg, exact));
    } else if (missingOn.length > 0) {
      analysis.excluded_packages.push(excluded(pkg, missingOn, activeSets.length));
    } else {
      analysis.conflicts.push(conflict(pkg, index, offers, endpointIds));
    }
  }
  return analysis;
}

/** One pass over a set's repositories in pacman.conf order, keeping only what the target asks about. */
function offersOf(set: RepositorySet, subjects: readonly PackageState[], subjectIndex: Map<string, number>) {
  const exact: Array<ExactOffer | undefined> = new Array(subjects.length);
  const others: Array<OtherOffer[] | undefined> = new Array(subjects.length);
  for (const repository of set.repositories) {
    const repoName = repository.repo_name;
    for (const pkg of repository.packages) {
      const index = subjectIndex.get(pkg.name);
      if (index === undefined) continue;
      if (pkg.version === subjects[index].version) {
        if (exact[index] === undefined)
          exact[index] = { repository: repoName, architecture: pkg.architecture };
        continue;
      }
      const list = others[index];
      if (list === undefined) others[index] = [{ version: pkg.version, repository: repoName }];
      else if (!list.some((offer) => offer.version === pkg.version))
        list.push({ version: pkg.version, repository: repoName });
    }
  }
  return { exact, others };
}

function repositoryPackage(pkg: PackageState, offer: ExactOffer): RepositoryPackage {
  return {
    name: pkg.package_name,
    version: pkg.version,
    repository: offer.repository,
    architecture: offer.architecture,
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
  offers: ReadonlyArray<{ exact: Array<ExactOffer | undefined>; others: Array<OtherOffer[] | undefined> }>,
  endpointIds: readonly string[][],
): PackageConflict {
  const groups = new Map<string, { endpoint_ids: string[]; version: string; repository: string }>();
  for (let s = 0; s < offers.length; s++) {
    if (offers[s].exact[index] !== undefined) continue;
    for (const other of offers[s].others[index]!) {
      const key = `${other.version}\n${other.repository}`;
      const group = groups.get(key);
      if (group === undefined) {
        groups.set(key, {
          endpoint_ids: endpointIds[s].slice(),
          version: other.version,
          repository: other.repository,
        });
      } else group.endpoint_ids.push(...endpointIds[s]);
    }
  }
  const offered = [...groups.values()];
  for (const group of offered) group.endpoint_ids.sort();
  offered.sort(
    (a, b) =>
      vercmp(a.version, b.version) ||
      (a.version < b.version ? -1 : a.version > b.version ? 1 : 0) ||
      (a.repository < b.repository ? -1 : a.repository > b.repository ? 1 : 0),
  );
  return { package_name: pkg.package_name, target_version: pkg.version, offered };
}
