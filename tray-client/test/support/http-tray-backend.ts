// A TEST DOUBLE OF THE CLIENT'S CORE (not of GTK or D-Bus): a TrayBackend that talks plain HTTP to a
// small server the test runs, polling the endpoint and its operations and posting the tray's actions
// to the routes of the design (POST /api/endpoints/{id}/sync, …). The real backend (API client +
// operation runner + events) belongs to the CLI/daemon side; this one lets the tray's e2e test prove that
// a click in a real panel reaches a real HTTP server. It shares the real backend's listener bookkeeping
// and operation mapping (TrayBackendBase, trayOperation), so only the transport is a stand-in.
import { SyncPlan } from '@pacman-sync/shared';

import type { Operation } from '../../src/api/api-types';
import type { TrayDetails, TrayStatus } from '../../src/tray/tray-backend';
import { TrayBackendBase, trayOperation } from '../../src/tray-backend/tray-backend-base';
import { syncPlan } from './plans';

/** What the test server answers on GET /api/endpoints/{id}. */
export interface FakeEndpoint {
  id: string;
  name: string;
  pool_name: string | null;
  sync_status: TrayStatus['state'];
  summary: string;
  can_revert: boolean;
}

export class HttpTrayBackendDouble extends TrayBackendBase {
  private readonly seenOperations = new Map<string, Operation['status']>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private polling = false;

  constructor(
    private readonly baseUrl: string,
    private readonly endpointId: string,
    private readonly configFile: string,
  ) {
    super({ state: 'unknown', summary: 'connecting…', canRevert: false });
  }

  /** Polls every `intervalMs`; the real core listens to /api/events and polls only as a fallback. */
  start(intervalMs: number): Promise<void> {
    this.timer = setInterval(() => void this.poll(), intervalMs);
    return this.poll();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Sets the status as the core would after an event (the memory benchmark drives the tray with it). */
  emit(status: TrayStatus): void {
    this.publish(status);
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
      operations: operations.map(trayOperation),
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
      this.publish(next);
      for (const operation of await this.operations()) await this.observe(operation);
    } catch (error) {
      const offline: TrayStatus = { state: 'offline', summary: (error as Error).message, canRevert: false };
      if (this.status.state !== 'offline') this.publish(offline);
    } finally {
      this.polling = false;
    }
  }

  private async observe(operation: Operation): Promise<void> {
    const before = this.seenOperations.get(operation.id);
    this.seenOperations.set(operation.id, operation.status);
    if (before === operation.status) return;
    const finished = ['completed', 'failed', 'cancelled'].includes(operation.status);
    if (finished && before !== undefined) this.announceFinished(operation);
    if (operation.status === 'pending' && operation.operation_type === 'sync' && before === undefined) {
      const [confirm] = this.confirmers;
      const plan = (operation.details?.plan as SyncPlan | undefined) ?? syncPlan();
      const requestedBy = operation.details?.requested_by ?? 'server';
      const accepted = confirm ? await confirm({ operationId: operation.id, requestedBy, plan }) : false;
      await this.post(`/api/operations/${operation.id}/${accepted ? 'claim' : 'cancel'}`);
    }
  }

  private async operations(): Promise<Operation[]> {
    const page = await this.get<{ items: Operation[] }>(`/api/operations?endpoint_id=${this.endpointId}`);
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
