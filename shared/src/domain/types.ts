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
  /**
   * Glob patterns (as exclude_packages) of package names whose holds the pool overrides: a package an
   * endpoint holds (pacman.conf IgnorePkg / IgnoreGroup) is changed anyway when one of these matches it.
   * Empty by default: an endpoint's holds are respected.
   */
  override_holds: string[];
}

export const DEFAULT_SYNC_POLICY: Readonly<SyncPolicy> = Object.freeze({
  auto_sync: false,
  exclude_packages: [],
  include_aur: false,
  remove_extra: false,
  conflict_resolution: 'manual',
  allow_endpoint_actions: true,
  allow_endpoint_set_latest: false,
  override_holds: [],
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

/** A package installed at the wanted version whose install reason differs from the wanted one. */
export interface ReasonDifference {
  package_name: string;
  version: string;
  current_reason: InstallReason;
  wanted_reason: InstallReason;
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
  /** Installed at exactly the wanted version, with the other install reason. */
  reasons: ReasonDifference[];
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

/** A package whose install reason a plan sets without changing its version (`pacman -D`). */
export interface PlanReasonChange {
  package_name: string;
  version: string;
  from_reason: InstallReason;
  to_reason: InstallReason;
}

/**
 * Why a plan leaves a package as it is although the wanted state differs: the endpoint's pacman.conf holds
 * it (`IgnorePkg`, or `IgnoreGroup` for a group it belongs to). Later kinds of hold (per pool) join this list.
 */
export type HoldReason = 'ignore_pkg' | 'ignore_group';
export const HOLD_REASONS: readonly HoldReason[] = ['ignore_pkg', 'ignore_group'];

/** What a plan does to a package: a version change, a removal, or only its install reason. */
export type PlanChange = 'install' | 'upgrade' | 'downgrade' | 'remove' | 'reason';
export const PLAN_CHANGES: readonly PlanChange[] = ['install', 'upgrade', 'downgrade', 'remove', 'reason'];

/** A change a hold stops (in SyncPlan.held) or that the pool makes despite it (SyncPlan.overridden_holds). */
export interface HeldPackage {
  package_name: string;
  /** What the plan does, or would do without the hold. */
  change: PlanChange;
  installed_version: string | null;
  /** The version the wanted state has; null for a removal. */
  wanted_version: string | null;
  reason: HoldReason;
  /** The IgnorePkg pattern or the group (IgnoreGroup) that holds the package. */
  held_by: string;
}

/**
 * What an endpoint's pacman.conf holds back, as the client reports it. pacman leaves these packages alone
 * in a system upgrade, and a plan does not change them either unless the pool overrides the hold.
 */
export interface PacmanHolds {
  /** IgnorePkg values in configuration order: fnmatch(3) patterns over package names. */
  ignore_pkg: string[];
  /** IgnoreGroup values: fnmatch(3) patterns over group names. */
  ignore_group: string[];
  /**
   * The packages in a group IgnoreGroup matches, as the endpoint's local and sync databases list them
   * (%GROUPS%): the server cannot know group membership otherwise.
   */
  ignored_group_members: Array<{ package_name: string; group: string }>;
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
  /** Packages at the wanted version whose install reason the plan sets (`pacman -D`). */
  reasons: PlanReasonChange[];
  /** Changes the plan leaves out because the endpoint holds the package. */
  held: HeldPackage[];
  /**
   * Changes the plan makes although the endpoint holds the package, because the pool's override_holds
   * matches it. Each also appears in install/upgrade/downgrade/remove/reasons. The client changes a package
   * its pacman.conf holds only when it is listed here.
   */
  overridden_holds: HeldPackage[];
}

/** What an endpoint can install: its repositories' packages and its package cache. */
export interface PackageOffer {
  repositories: RepositoryReport[];
  /** name → versions present in the local package cache. */
  cached?: Array<{ name: string; version: string }>;
  /**
   * Whether the client has an archive (Arch Linux Archive layout) configured. Then every exact version of a
   * package counts as available when the endpoint gets that package from one of Arch Linux's own
   * repositories (isArchLinuxRepository): other distributions' builds are not in the archive.
   */
  archive?: boolean;
  /** What the endpoint's pacman.conf holds; absent when the client did not say (nothing is held). */
  holds?: PacmanHolds;
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
