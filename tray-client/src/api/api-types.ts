import type {
  OperationStatus,
  OperationType,
  PackagePool,
  PacmanHolds,
  RepositoryReport,
  SyncPlan,
  SyncStatus,
  SystemState,
} from '@pacman-sync/shared';

// Response bodies of the server's REST API as the client uses them (server/src/*/dto are the source; the
// client cannot import the server). Dates arrive as ISO strings.

export interface Endpoint {
  id: string;
  name: string;
  hostname: string;
  pool_id: string | null;
  last_seen: string | null;
  sync_status: SyncStatus;
  report_interval: number;
  latest_state_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface RegisteredEndpoint {
  endpoint: Endpoint;
  token: string;
}

export interface RegisterRequest {
  name: string;
  hostname: string;
  pool_id?: string | null;
  report_interval?: number;
}

export interface StateCheckIn {
  content_hash: string;
}

export type StateReport = SystemState & { content_hash?: string };

export interface StateReportResult {
  known: boolean;
  changed: boolean;
  state_id: string | null;
  sync_status: SyncStatus;
}

export interface RepositoryReportBody {
  content_hash?: string;
  repositories?: RepositoryReport[];
  cached_packages?: Array<{ name: string; version: string }>;
  archive?: boolean;
  holds?: PacmanHolds;
}

export interface RepositoryReportResult {
  known: boolean;
  changed: boolean;
  content_hash: string | null;
  new_contents: number;
}

export type PlanKind = 'sync' | 'revert';

export interface EndpointPlan {
  endpoint_id: string;
  pool_id: string | null;
  kind: PlanKind;
  current_state_id: string | null;
  target_state_id: string;
  plan: SyncPlan;
}

export interface OperationProgress {
  message?: string;
  percent?: number;
  at?: string;
}

export interface Operation {
  id: string;
  pool_id: string | null;
  endpoint_id: string;
  operation_type: OperationType;
  status: OperationStatus;
  /** `plan` (the SyncPlan at creation), `requested_by`, `progress`, `result`. */
  details: {
    plan?: unknown;
    requested_by?: string;
    progress?: OperationProgress;
    [key: string]: unknown;
  } | null;
  before_state_id: string | null;
  after_state_id: string | null;
  target_state_id: string | null;
  error: string | null;
  created_at: string;
  claimed_at: string | null;
  updated_at: string;
  completed_at: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export type Pool = Omit<PackagePool, 'endpoints'> & {
  endpoints: string[];
  created_at: string;
  updated_at: string;
};

export interface OperationQuery {
  endpoint_id?: string;
  pool_id?: string;
  status?: OperationStatus;
  limit?: number;
  offset?: number;
}

/** One message of WS /api/events. */
export interface ServerEvent {
  type: 'endpoint.status' | 'operation.updated' | 'pool.target_changed' | 'repositories.analyzed' | string;
  data: Record<string, unknown>;
  timestamp: string;
}
