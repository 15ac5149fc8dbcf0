// What the server does for GET /api/endpoints/{id}/plan and for every status recomputation: diff a
// 2,000-package endpoint state against a 2,000-package target and plan the sync against a 15,000-package
// repository index. Baseline: merely building a Map of those 15,000 repository entries, the least any
// planner that looks at the repositories must do. Target: within 3x of it.
import {
  DEFAULT_SYNC_POLICY,
  FOREIGN_REPOSITORY,
  type SyncPolicy,
  type SystemState,
} from '../src/domain/types';
import {
  generateArchState,
  generateRepositories,
  newerVersion,
  olderVersion,
  seededRandom,
  shuffle,
} from '../src/state/arch-fixtures.test-util';
import { diffStates } from '../src/state/diff';
import { planSync } from '../src/state/plan';
import { syncStatus } from '../src/state/sync-status';
import { type BenchResult, measureSideBySide } from './bench-kit';

const PACKAGES = 2_000;
const REPOSITORY_ENTRIES = 15_000;
const ROUNDS = 61;
const TARGET_RATIO = 3;

export async function run(): Promise<BenchResult[]> {
  const target = generateArchState(101, PACKAGES);
  const offer = { repositories: generateRepositories(target, REPOSITORY_ENTRIES, 102) };
  const endpoint = laggingEndpoint(target, 103);
  const policy: SyncPolicy = { ...DEFAULT_SYNC_POLICY, exclude_packages: ['linux*', 'nvidia*'] };

  const { subjectMs, baselineMs } = measureSideBySide(
    () => {
      const status = syncStatus(diffStates(endpoint, target, policy));
      return [status, planSync(endpoint, target, policy, offer)];
    },
    () => {
      const index = new Map<string, unknown>();
      for (const repository of offer.repositories)
        for (const pkg of repository.packages) index.set(pkg.name, pkg);
      return index;
    },
    ROUNDS,
  );
  return [
    {
      name: `diff + plan (${PACKAGES} vs ${PACKAGES}, ${REPOSITORY_ENTRIES} repo entries)`,
      baseline: `Map of ${REPOSITORY_ENTRIES} repo entries`,
      subjectMs,
      baselineMs,
      ratio: subjectMs / baselineMs,
      target: TARGET_RATIO,
    },
  ];
}

/** An endpoint a few weeks behind: 10% older, some newer, some missing, some extra. */
function laggingEndpoint(target: SystemState, seed: number): SystemState {
  const random = seededRandom(seed);
  const candidates = target.packages.filter((pkg) => pkg.repository !== FOREIGN_REPOSITORY);
  shuffle(candidates, random);
  const older = new Set(candidates.slice(0, 200).map((pkg) => pkg.package_name));
  const newer = new Set(candidates.slice(200, 250).map((pkg) => pkg.package_name));
  const missing = new Set(candidates.slice(250, 290).map((pkg) => pkg.package_name));
  const packages = target.packages
    .filter((pkg) => !missing.has(pkg.package_name))
    .map((pkg) =>
      older.has(pkg.package_name)
        ? { ...pkg, version: olderVersion(pkg.version) }
        : newer.has(pkg.package_name)
          ? { ...pkg, version: newerVersion(pkg.version) }
          : pkg,
    );
  for (let i = 0; i < 30; i++) {
    packages.push({ ...target.packages[i], package_name: `extra-tool-${i}`, repository: 'extra' });
  }
  shuffle(packages, random);
  return { ...target, packages };
}
