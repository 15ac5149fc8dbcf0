import type { SyncPlan } from '@pacman-sync/shared';

import { ApiError } from '../api/api-error';
import type { Operation, PlanKind } from '../api/api-types';
import { PacmanSyncApi } from '../api/pacman-sync-api';
import { StateStore } from '../core/config/state-dir';
import { Daemon } from '../daemon/daemon';
import { OperationRunner } from '../operations/operation-runner';
import { parsePlan } from '../operations/plan-validation';
import { Reporter } from '../reporting/reporter';
import type { TrayDetails, TrayStatus } from '../tray/tray-backend';
import { TrayBackendBase, trayOperation } from './tray-backend-base';

export interface CoreTrayBackendOptions {
  api: PacmanSyncApi;
  reporter: Reporter;
  runner: OperationRunner;
  store: StateStore;
  endpointId: string;
  endpointName: string;
  serverUrl: string;
  configPath: string;
  /** The config's auto_sync: incoming syncs run without asking. */
  autoSync: boolean;
  /** Builds the background loop; the backend passes the tray's confirmer and its own listeners. */
  createDaemon: (hooks: {
    confirm: (operation: Operation, plan: SyncPlan) => Promise<boolean>;
    onOperationFinished: (operation: Operation, error: unknown) => void;
    onCycle: () => void;
  }) => Daemon;
  /** How often the cached status is re-read for changes the daemon wrote. */
  refreshMs?: number;
}

/**
 * The real TrayBackend: the tray's menu items and notifications on the same core as the CLI (API client,
 * reporter, operation runner) with the daemon loop running underneath.
 */
export class CoreTrayBackend extends TrayBackendBase {
  private readonly daemon: Daemon;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private lastError: string | null = null;
  private canRevert = false;

  constructor(private readonly options: CoreTrayBackendOptions) {
    super({ state: 'unknown', summary: 'not reported yet', canRevert: false });
    this.status = this.readStatus();
    this.daemon = options.createDaemon({
      confirm: (operation, plan) => this.confirmIncoming(operation, plan),
      onOperationFinished: (operation, error) => this.finished(operation, error),
      onCycle: () => this.refresh(),
    });
  }

  /** Starts the daemon loop and the status refresh; resolves when stop() is called. */
  async run(signal?: AbortSignal): Promise<void> {
    this.timer = setInterval(() => this.refresh(), this.options.refreshMs ?? 2000);
    try {
      await this.daemon.run(signal);
    } finally {
      if (this.timer) clearInterval(this.timer);
    }
  }

  stop(): void {
    this.daemon.stop();
  }

  syncNow(): Promise<void> {
    return this.change('sync');
  }

  revert(): Promise<void> {
    return this.change('revert');
  }

  async setLatest(): Promise<void> {
    await this.options.reporter.report();
    await this.options.api.setLatest(this.options.endpointId);
    await this.options.reporter.remember('in_sync');
    this.refresh();
  }

  async details(): Promise<TrayDetails> {
    const { api, endpointId } = this.options;
    const endpoint = await api.getEndpoint(endpointId);
    let poolName: string | null = null;
    if (endpoint.pool_id)
      poolName = await api.getPool(endpoint.pool_id).then(
        (pool) => pool.name,
        () => null,
      );
    const plan = await api.getPlan(endpointId).then(
      (answer) => parsePlan(answer.plan),
      (error: unknown) => {
        if (error instanceof ApiError) return null;
        throw error;
      },
    );
    const operations = await api.listOperations({ endpoint_id: endpointId, limit: 20 });
    this.canRevert = operations.items.some(
      (operation) => operation.status === 'completed' && operation.operation_type !== 'set_latest',
    );
    return {
      endpointName: endpoint.name,
      poolName,
      plan,
      operations: operations.items.map(trayOperation),
    };
  }

  consoleUrl(): string | null {
    return this.options.serverUrl;
  }

  configPath(): string {
    return this.options.configPath;
  }

  private async change(kind: PlanKind): Promise<void> {
    const { api, endpointId, runner, reporter } = this.options;
    this.setBusy(true);
    try {
      await reporter.report({ repositories: kind === 'sync' });
      const pending = await api.listOperations({ endpoint_id: endpointId, status: 'pending', limit: 10 });
      const existing = pending.items.find((operation) => operation.operation_type === kind);
      const operation =
        existing ??
        (kind === 'sync' ? await api.requestSync(endpointId) : await api.requestRevert(endpointId));
      try {
        const outcome = await runner.run(operation);
        this.finished(outcome.operation, null);
      } catch (error) {
        this.finished(operation, error);
        throw error;
      }
    } finally {
      this.setBusy(false);
    }
  }

  private async confirmIncoming(operation: Operation, plan: SyncPlan): Promise<boolean> {
    if (this.options.autoSync) return true;
    for (const confirm of this.confirmers) {
      const requestedBy =
        typeof operation.details?.requested_by === 'string' ? operation.details.requested_by : 'server';
      return confirm({ operationId: operation.id, requestedBy, plan });
    }
    return false;
  }

  private finished(operation: Operation, error: unknown): void {
    this.lastError = error ? (error as Error).message : null;
    if (!error && operation.operation_type !== 'set_latest') this.canRevert = true;
    this.announceFinished({
      ...operation,
      status: error ? 'failed' : operation.status,
      error: error ? (error as Error).message : operation.error,
    });
    this.refresh();
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    if (busy) this.lastError = null;
    this.refresh();
  }

  private refresh(): void {
    this.publish(this.readStatus());
  }

  private readStatus(): TrayStatus {
    if (this.busy) return { state: 'syncing', summary: 'applying changes…', canRevert: false };
    if (this.lastError) return { state: 'error', summary: this.lastError, canRevert: this.canRevert };
    try {
      const cached = this.options.store.readLastStatus();
      if (!cached) return { state: 'unknown', summary: 'not reported yet', canRevert: this.canRevert };
      return {
        state: cached.sync_status,
        summary: cached.summary ?? cached.sync_status,
        canRevert: this.canRevert,
      };
    } catch (error) {
      return { state: 'error', summary: (error as Error).message, canRevert: this.canRevert };
    }
  }
}
