// What the GTK tray needs from the client's core. The tray only draws this and forwards clicks to it
// (CONVENTIONS.md #11); the CLI/daemon side implements it on the API client and the operation runner, so
// every behaviour behind a menu item is tested once, without a display.
import { OperationStatus, OperationType, SyncPlan, SyncStatus } from '@pacman-sync/shared';

/** The pool statuses of DESIGN.md §3, plus what only the client knows: an operation running, or a failure. */
export type TrayState = SyncStatus | 'syncing' | 'error';

export interface TrayStatus {
  readonly state: TrayState;
  /** One line for the menu's status item and the indicator's tooltip, e.g. "3 packages behind the target". */
  readonly summary: string;
  /** Whether the endpoint has a completed sync or revert it could go back from. */
  readonly canRevert: boolean;
}

/** One entry of the endpoint's operations log, as the details window lists it. */
export interface TrayOperation {
  readonly id: string;
  readonly type: OperationType;
  readonly status: OperationStatus;
  /** ISO 8601. */
  readonly createdAt: string;
  /** Outcome in one line (pacman's summary or the failure), null while running. */
  readonly message: string | null;
}

export interface TrayDetails {
  readonly endpointName: string;
  readonly poolName: string | null;
  /** The plan to the pool's target; null when there is no target or no reported state yet. */
  readonly plan: SyncPlan | null;
  /** Most recent first. */
  readonly operations: readonly TrayOperation[];
}

/** A sync the server asks this endpoint to apply (the pool's target changed, or an admin triggered it). */
export interface IncomingSyncRequest {
  readonly operationId: string;
  /** Who or what asked, for the confirmation dialog ("admin from the console", "CI token deploy"). */
  readonly requestedBy: string;
  readonly plan: SyncPlan;
}

/** Answers whether an incoming sync may be applied; the tray asks the user, the daemon follows auto_sync. */
export type IncomingSyncConfirmer = (request: IncomingSyncRequest) => Promise<boolean>;

export interface TrayBackend {
  current(): TrayStatus;
  /** Calls the listener on every status change; returns the unsubscribe function. */
  onChange(listener: (status: TrayStatus) => void): () => void;
  /** Calls the listener when an operation of this endpoint completes, fails or is cancelled. */
  onOperationFinished(listener: (operation: TrayOperation) => void): () => void;
  /**
   * The backend calls the confirmer before applying an incoming sync, unless the client's config says
   * `auto_sync = true`, in which case it applies the sync without asking.
   */
  onIncomingSync(confirm: IncomingSyncConfirmer): () => void;
  syncNow(): Promise<void>;
  setLatest(): Promise<void>;
  revert(): Promise<void>;
  details(): Promise<TrayDetails>;
  /** The admin console's URL, or null when no server is configured. */
  consoleUrl(): string | null;
  /** The client.conf file that "Settings" opens. */
  configPath(): string;
}
