// A TEST DOUBLE OF THE CLIENT'S CORE (not of GTK or D-Bus): a TrayBackend that talks plain HTTP to a
// small server the test runs, polling the endpoint and its operations and posting the tray's actions
// to the routes of the design (POST /api/endpoints/{id}/sync, …). The real backend (API client +
// sync runner + events) belongs to the CLI/daemon side; this one lets the tray's e2e test prove that a
// click in a real panel reaches a real HTTP server.
import { SyncPlan } from '@pacman-sync/shared';

import {
  IncomingSyncConfirmer,
  TrayBackend,
  TrayDetails,
  TrayOperation,
  TrayStatus,
} from '../../src/tray/tray-backend';

/** What the test server answers on GET /api/endpoints/{id}. */
export interface FakeEndpoint {
  id: string;
  name: string;
  pool_name: string | null;
  sync_status: TrayStatus['state'];
  summary: string;
  can_revert: boolean;
}

/** What the test server lists on GET /api/operations?endpoint_id={id}. */
export interface FakeOperation {
  id: string;
  operation_type: TrayOperation['type'];
  status: TrayOperation['status'];
  created_at: string;
  message: string | null;
  requested_by: string;
  plan: SyncPlan | null;
}

export class HttpTrayBackendDouble implements TrayBackend {
  private status: TrayStatus = { state: 'unknown', summary: 'connecting…', canRevert: false };
  private readonly statusListeners = new Set<(status: TrayStatus) => void>();
  private readonly finishedListeners = new Set<(operation: TrayOperation) => void>();
  private readonly confirmers = new Set<IncomingSyncConfirmer>();
  private readonly seenOperations = new Map<string, TrayOperation['status']>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private polling = false;

  constructor(
    private readonly baseUrl: string,
    private readonly endpointId: string,
    private readonly configFile: string,
  ) {}

  /** Polls every `intervalMs`; the real core listens to /api/events and polls only as a fallback. */
  start(intervalMs: number): Promise<void> {
    this.timer = setInterval(() => void this.poll(), intervalMs);
    return this.poll();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  current(): TrayStatus {
    return this.status;
  }

  onChange(listener: (status: TrayStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onOperationFinished(listener: (operation: TrayOperation) => void): () => void {
    this.finishedListeners.add(listener);
    return () => this.finishedListeners.delete(listener);
  }

  onIncomingSync(confirm: IncomingSyncConfirmer): () => void {
    this.confirmers.add(confirm);
    return () => this.confirmers.delete(confirm);
  }

  /** Sets the status as the core would after an event (the memory benchmark drives the tray with it). */
  emit(status: TrayStatus): void {
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }

  syncNow(): Promise<void> {
    return this.post(`/api/endpoints/${this.endpointId}/sync`);
  }

  setLatest(): Promise<void> {
    return this.post(`/api/endpoints/${this.endpointId}/set-latest`);
  }

  revert(): Promise<void> {
    return this.post(`/api/endpoints/${this.endpointId}/revert`);
  }

  async details(): Promise<TrayDetails> {
    const endpoint = await this.get<FakeEndpoint>(`/api/endpoints/${this.endpointId}`);
    const plan = await this.get<SyncPlan | null>(`/api/endpoints/${this.endpointId}/plan`);
    const operations = await this.operations();
    return {
      endpointName: endpoint.name,
      poolName: endpoint.pool_name,
      plan,
      operations: operations.map(toTray),
    };
  }

  consoleUrl(): string | null {
    return this.baseUrl;
  }

  configPath(): string {
    return this.configFile;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const endpoint = await this.get<FakeEndpoint>(`/api/endpoints/${this.endpointId}`);
      const next: TrayStatus = {
        state: endpoint.sync_status,
        summary: endpoint.summary,
        canRevert: endpoint.can_revert,
      };
      if (JSON.stringify(next) !== JSON.stringify(this.status)) this.emit(next);
      for (const operation of await this.operations()) await this.observe(operation);
    } catch (error) {
      const offline: TrayStatus = { state: 'offline', summary: (error as Error).message, canRevert: false };
      if (this.status.state !== 'offline') this.emit(offline);
    } finally {
      this.polling = false;
    }
  }

  private async observe(operation: FakeOperation): Promise<void> {
    const before = this.seenOperations.get(operation.id);
    this.seenOperations.set(operation.id, operation.status);
    if (before === operation.status) return;
    const finished = ['completed', 'failed', 'cancelled'].includes(operation.status);
    if (finished && before !== undefined) {
      for (const listener of this.finishedListeners) listener(toTray(operation));
    }
    if (operation.status === 'pending' && operation.operation_type === 'sync' && before === undefined) {
      const [confirm] = this.confirmers;
      const plan = operation.plan ?? emptyPlan();
      const accepted = confirm
        ? await confirm({ operationId: operation.id, requestedBy: operation.requested_by, plan })
        : false;
      await this.post(`/api/operations/${operation.id}/${accepted ? 'claim' : 'cancel'}`);
    }
  }

  private async operations(): Promise<FakeOperation[]> {
    const page = await this.get<{ items: FakeOperation[] }>(`/api/operations?endpoint_id=${this.endpointId}`);
    return page.items;
  }

  private async get<T>(path: string): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`);
    if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  }

  private async post(path: string): Promise<void> {
    const response = await fetch(`${this.baseUrl}${path}`, { method: 'POST' });
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
      throw new Error(body?.error?.message ?? `POST ${path}: HTTP ${response.status}`);
    }
  }
}

function toTray(operation: FakeOperation): TrayOperation {
  return {
    id: operation.id,
    type: operation.operation_type,
    status: operation.status,
    createdAt: operation.created_at,
    message: operation.message,
  };
}

function emptyPlan(): SyncPlan {
  return {
    install: [],
    upgrade: [],
    downgrade: [],
    remove: [],
    unavailable: [],
    substituted: [],
    kept_extra: [],
  };
}
