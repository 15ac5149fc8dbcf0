// The domain types of the design (DESIGN.md §3, seed-design.md "Data Models"), with the API's
// snake_case field names so that server DTOs, the client and the generated console client agree.

export type InstallReason = 'explicit' | 'dependency';

/** The repository name pacman reports for packages no sync repository knows (AUR, hand-built). */
export const FOREIGN_REPOSITORY = 'local';

/** One installed package of one endpoint. */
export interface PackageState {
  package_name: string;
  version: string;
  /** Sync repository the package came from, or `local` for foreign packages. */
  repository: string;
  installed_size: number;
  dependencies: string[];
  install_reason: InstallReason;
}

/** What an endpoint reports: its full installed package set. */
export interface SystemState {
  pacman_version: string;
  architecture: string;
  packages: PackageState[];
}

export type SyncStatus = 'unknown' | 'in_sync' | 'behind' | 'ahead' | 'diverged' | 'offline';
export const SYNC_STATUSES: readonly SyncStatus[] = [
  'unknown',
  'in_sync',
  'behind',
  'ahead',
  'diverged',
  'offline',
];

export type ConflictResolution = 'manual' | 'newest' | 'oldest';
export const CONFLICT_RESOLUTIONS: readonly ConflictResolution[] = ['manual', 'newest', 'oldest'];

export interface SyncPolicy {
  auto_sync: boolean;
  /** Glob patterns (`*`, `?`, `[...]`) of package names left out of diff, status and plan. */
  exclude_packages: string[];
  /** Whether foreign (`local`) packages count. */
  include_aur: boolean;
  /** Whether packages the target lacks are removed (default: kept and only reported). */
  remove_extra: boolean;
  conflict_resolution: ConflictResolution;
  /**
   * Whether an endpoint may sync, set-latest or revert itself (DESIGN.md §5 "if the pool allows"). On by
   * default, so the tray and CLI work out of the box; an administrator turns it off to keep such changes
   * to the console and CI.
   */
  allow_endpoint_actions: boolean;
  /**
   * Whether an endpoint may also make its own state the pool's target (set-latest), which changes what
   * every other machine of the pool installs. Off by default: one machine's token must not steer the
   * pool until an administrator trusts the pool's machines with it.
   */
  allow_endpoint_set_latest: boolean;
}

export const DEFAULT_SYNC_POLICY: Readonly<SyncPolicy> = Object.freeze({
  auto_sync: false,
  exclude_packages: [],
  include_aur: false,
  remove_extra: false,
  conflict_resolution: 'manual',
  allow_endpoint_actions: true,
  allow_endpoint_set_latest: false,
});

export interface PackagePool {
  id: string;
  name: string;
  description: string | null;
  endpoints: string[];
  target_state_id: string | null;
  sync_policy: SyncPolicy;
}

/** A package a sync repository offers. */
export interface RepositoryPackage {
  name: string;
  version: string;
  repository: string;
  architecture: string;
}

/** One configured repository of an endpoint, as the client reports it. */
export interface RepositoryReport {
  repo_name: string;
  repo_url: string;
  packages: Array<{ name: string; version: string; architecture: string }>;
}

export type OperationType = 'sync' | 'set_latest' | 'revert';
export const OPERATION_TYPES: readonly OperationType[] = ['sync', 'set_latest', 'revert'];

export type OperationStatus = 'pending' | 'in_progress' | 'completed' | 'failed' | 'cancelled';
export const OPERATION_STATUSES: readonly OperationStatus[] = [
  'pending',
  'in_progress',
  'completed',
  'failed',
  'cancelled',
];

/** A package whose version differs between the current and the wanted state. */
export interface VersionDifference {
  package_name: string;
  current_version: string;
  wanted_version: string;
}

/** The difference from an endpoint's state to a wanted state, after exclusions and `include_aur`. */
export interface StateDiff {
  /** In the wanted state, not installed. */
  missing: PackageState[];
  /** Installed at a version vercmp orders below the wanted one, or equal by vercmp but spelt differently. */
  older: VersionDifference[];
  /** Installed at a version vercmp orders above the wanted one. */
  newer: VersionDifference[];
  /** Installed, not in the wanted state. */
  extra: PackageState[];
}

/** Where the client will take a package file from; `archive` only when the client has an archive configured. */
export type PackageSource = 'cache' | 'repository' | 'archive';

export interface PlanItem {
  package_name: string;
  /** Installed version, null for an install. */
  from_version: string | null;
  /** The version the plan installs (the wanted one, or the closest available under newest/oldest). */
  to_version: string;
  /** The version the wanted state has. Differs from to_version only when a conflict rule substituted it. */
  wanted_version: string;
  install_reason: InstallReason;
  source: PackageSource;
  /** Repository that offers to_version, when source is `repository`. */
  repository: string | null;
}

export interface PlanRemoval {
  package_name: string;
  version: string;
}

export interface UnavailablePackage {
  package_name: string;
  wanted_version: string;
  installed_version: string | null;
  /** Versions the endpoint's repositories and cache do offer (may be empty). */
  available_versions: string[];
}

export interface SyncPlan {
  install: PlanItem[];
  upgrade: PlanItem[];
  downgrade: PlanItem[];
  remove: PlanRemoval[];
  /** Wanted versions nothing offers; under newest/oldest only those with no version at all remain here. */
  unavailable: UnavailablePackage[];
  /** Items whose to_version differs from wanted_version because conflict_resolution picked another one. */
  substituted: PlanItem[];
  /** Extra packages kept because remove_extra is off. */
  kept_extra: PlanRemoval[];
}

/** What an endpoint can install: its repositories' packages and its package cache. */
export interface PackageOffer {
  repositories: RepositoryReport[];
  /** name → versions present in the local package cache. */
  cached?: Array<{ name: string; version: string }>;
  /** When the client has an archive (Arch Linux Archive layout) configured, every exact version counts as available. */
  archive?: boolean;
}

export interface PackageConflict {
  package_name: string;
  target_version: string;
  /** What each endpoint's repositories offer instead. */
  offered: Array<{ endpoint_ids: string[]; version: string; repository: string }>;
}

export interface ExcludedPackage {
  package_name: string;
  target_version: string;
  /** Endpoints none of whose repositories offer the package at all. */
  missing_on: string[];
}

export interface CompatibilityAnalysis {
  pool_id: string;
  common_packages: RepositoryPackage[];
  excluded_packages: ExcludedPackage[];
  conflicts: PackageConflict[];
  last_analyzed: string;
}

/** Endpoints that share one identical set of repositories (grouped by content hash) are analysed once. */
export interface RepositorySet {
  endpoint_ids: string[];
  repositories: RepositoryReport[];
}
