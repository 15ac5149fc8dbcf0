import { FSWatcher, statSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

import { SYNC_STATUSES, SyncPlan, SyncStatus } from '@pacman-sync/shared';

import { ServerUnreachableError } from '../api/api-error';
import type { Operation, ServerEvent } from '../api/api-types';
import { EventStream } from '../api/event-stream';
import { PacmanSyncApi } from '../api/pacman-sync-api';
import { isExecutable, OperationOutcome, OperationRunner } from '../operations/operation-runner';
import { parsePlan } from '../operations/plan-validation';
import { Reporter } from '../reporting/reporter';

/** Where the pacman hook (ops/pacman-hook) signals a finished transaction, for every client on the machine. */
export const SYSTEM_STAMP_PATH = '/run/pacman-sync/transaction.stamp';
/** A stamp in the client's own state directory, for setups that signal one client only. */
export const STAMP_FILE = 'transaction.stamp';

/** Decides an operation nobody asked to run automatically (the tray asks its user; the daemon leaves it). */
export type OperationConfirmer = (operation: Operation, plan: SyncPlan) => Promise<boolean>;

export interface DaemonOptions {
  api: PacmanSyncApi;
  reporter: Reporter;
  runner: OperationRunner;
  endpointId: string;
  serverUrl: string;
  token: string;
  /** The config's [client] auto_sync: apply every operation without asking. */
  autoSync: boolean;
  updateIntervalMs: number;
  /** How often pending operations are polled while the event stream is down. */
  pollIntervalMs?: number;
  /** Stamp files the pacman hook touches; a change triggers a report. */
  stampPaths?: string[];
  /** How often the stamps are checked in case fs.watch misses a change (network file systems, bind mounts). */
  stampPollMs?: number;
  /** Receive operations over WS /api/events (default true); polling covers them either way. */
  useEvents?: boolean;
  confirm?: OperationConfirmer;
  log?: (line: string) => void;
  onOperationFinished?: (operation: Operation, outcome: OperationOutcome | null, error: unknown) => void;
  onEvent?: (event: ServerEvent) => void;
  /** After every cycle or operations check: the status cache may have changed. */
  onCycle?: () => void;
  /** First delay after a failed cycle; doubled per failure up to updateIntervalMs. */
  retryDelayMs?: number;
}

export interface CycleResult {
  reported: boolean;
  executed: OperationOutcome[];
  failed: Array<{ operation: Operation; error: unknown }>;
  /** Operations left for the user (no auto_sync, or the confirmer said no). */
  left: Operation[];
  unreachable: boolean;
}

/**
 * The background loop of the client: report on start, every update interval and after each pacman
 * transaction; learn about operations over the event stream (polling when it is down); claim and run
 * them when auto_sync allows. Server restarts and network loss only delay it: failed cycles are retried
 * with backoff, and the newest state report waits in the reporter's queue.
 */
export class Daemon {
  private running = false;
  private cycleTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private stampTimer: NodeJS.Timeout | null = null;
  private readonly watchers: FSWatcher[] = [];
  private events: EventStream | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private failures = 0;
  private readonly stampTimes = new Map<string, number>();
  private stopResolve: (() => void) | null = null;
  private readonly declined = new Set<string>();

  constructor(private readonly options: DaemonOptions) {}

  private log(line: string): void {
    (this.options.log ?? ((text: string) => process.stderr.write(`${text}\n`)))(line);
  }

  /** One full cycle (report, then operations), as `pacman-sync daemon --once` runs it. */
  runOnce(): Promise<CycleResult> {
    return this.serialised(() => this.cycle({ repositories: true }));
  }

  /** Runs until stop() (or the signal) and resolves then. */
  async run(signal?: AbortSignal): Promise<void> {
    if (this.running) throw new Error('the daemon is already running');
    this.running = true;
    const stopped = new Promise<void>((resolve) => (this.stopResolve = resolve));
    signal?.addEventListener('abort', () => this.stop(), { once: true });
    if (signal?.aborted) this.stop();
    this.watchStamps();
    if (this.options.useEvents ?? true) this.startEvents();
    this.schedulePoll();
    void this.tick();
    await stopped;
    await this.chain.catch(() => undefined);
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    for (const timer of [this.cycleTimer, this.pollTimer, this.stampTimer]) if (timer) clearTimeout(timer);
    this.cycleTimer = this.pollTimer = this.stampTimer = null;
    for (const watcher of this.watchers.splice(0)) watcher.close();
    this.events?.stop();
    this.events = null;
    this.stopResolve?.();
  }

  /** The next scheduled cycle: after the update interval, or sooner (with backoff) after a failure. */
  private async tick(): Promise<void> {
    if (!this.running) return;
    const result = await this.serialised(() => this.cycle({ repositories: true })).catch((error: unknown) => {
      this.log(`pacman-sync daemon: cycle failed: ${(error as Error).message}`);
      return null;
    });
    if (!this.running) return;
    const failed = result === null || result.unreachable;
    this.failures = failed ? this.failures + 1 : 0;
    const retry = this.options.retryDelayMs ?? 5000;
    const delay = failed
      ? Math.min(this.options.updateIntervalMs, retry * 2 ** (this.failures - 1)) * (0.5 + Math.random() / 2)
      : this.options.updateIntervalMs;
    this.cycleTimer = setTimeout(() => void this.tick(), delay);
  }

  private async cycle(options: { repositories: boolean }): Promise<CycleResult> {
    const result: CycleResult = { reported: false, executed: [], failed: [], left: [], unreachable: false };
    try {
      const outcome = await this.options.reporter.report({ repositories: options.repositories });
      result.reported = outcome !== null;
      if (outcome === null) {
        result.unreachable = true;
        return result;
      }
      await this.runPending(result);
    } catch (error) {
      if (!(error instanceof ServerUnreachableError)) throw error;
      result.unreachable = true;
    }
    return result;
  }

  private async runPending(result: CycleResult): Promise<void> {
    const { api, endpointId } = this.options;
    const page = await api.listOperations({ endpoint_id: endpointId, status: 'pending', limit: 20 });
    const pending = page.items.filter(isExecutable).sort((a, b) => a.created_at.localeCompare(b.created_at));
    for (const operation of pending) {
      if (!(await this.mayRun(operation))) {
        result.left.push(operation);
        continue;
      }
      try {
        const outcome = await this.options.runner.run(operation);
        result.executed.push(outcome);
        this.log(`pacman-sync daemon: ${operation.operation_type} ${operation.id} completed`);
        this.options.onOperationFinished?.(outcome.operation, outcome, null);
      } catch (error) {
        if (error instanceof ServerUnreachableError) throw error;
        result.failed.push({ operation, error });
        this.log(
          `pacman-sync daemon: ${operation.operation_type} ${operation.id} failed: ${(error as Error).message}`,
        );
        this.options.onOperationFinished?.(operation, null, error);
      }
    }
  }

  private async mayRun(operation: Operation): Promise<boolean> {
    if (this.options.autoSync || operation.details?.requested_by === 'auto_sync') return true;
    if (operation.pool_id && (await this.poolAutoSync(operation.pool_id))) return true;
    if (!this.options.confirm || this.declined.has(operation.id)) return false;
    let plan: SyncPlan;
    try {
      plan = parsePlan(operation.details?.plan);
    } catch {
      // The runner refuses it with the reason and fails the operation on the server.
      return true;
    }
    const accepted = await this.options.confirm(operation, plan);
    if (!accepted) this.declined.add(operation.id);
    return accepted;
  }

  private async poolAutoSync(poolId: string): Promise<boolean> {
    try {
      return (await this.options.api.getPool(poolId)).sync_policy?.auto_sync === true;
    } catch (error) {
      if (error instanceof ServerUnreachableError) throw error;
      // A server that denies an endpoint its pool leaves this to operations from auto_sync, which say so.
      return false;
    }
  }

  /** Operations only: after an event or a poll, without reading pacman again. */
  private checkOperations(): void {
    void this.serialised(async () => {
      const result: CycleResult = { reported: false, executed: [], failed: [], left: [], unreachable: false };
      await this.options.reporter.flush();
      await this.runPending(result);
    }).catch((error: unknown) => {
      if (!(error instanceof ServerUnreachableError)) {
        this.log(`pacman-sync daemon: checking operations failed: ${(error as Error).message}`);
      }
    });
  }

  private reportAfterTransaction(): void {
    void this.serialised(() => this.cycle({ repositories: false })).catch((error: unknown) =>
      this.log(`pacman-sync daemon: report after transaction failed: ${(error as Error).message}`),
    );
  }

  /** One thing at a time: a report never races a sync, and two events never claim twice. */
  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work).finally(() => this.options.onCycle?.());
    this.chain = next.catch(() => undefined);
    return next;
  }

  private startEvents(): void {
    this.events = new EventStream({
      serverUrl: this.options.serverUrl,
      token: this.options.token,
      onConnectionChange: (connected) => {
        this.log(`pacman-sync daemon: event stream ${connected ? 'connected' : 'lost; polling'}`);
        // Anything announced while disconnected is picked up now.
        if (connected) this.checkOperations();
      },
      onEvent: (event) => {
        this.options.onEvent?.(event);
        const data = event.data;
        if (data.endpoint_id !== this.options.endpointId) return;
        if (event.type === 'operation.updated' && data.status === 'pending') this.checkOperations();
        if (
          event.type === 'endpoint.status' &&
          (SYNC_STATUSES as readonly unknown[]).includes(data.sync_status)
        ) {
          // The status cache (Waybar, tray) follows the server at once, e.g. when the pool target changes.
          void this.serialised(() => this.options.reporter.remember(data.sync_status as SyncStatus)).catch(
            () => undefined,
          );
        }
      },
    });
    this.events.start();
  }

  private schedulePoll(): void {
    if (!this.running) return;
    const interval = this.options.pollIntervalMs ?? Math.min(60_000, this.options.updateIntervalMs);
    this.pollTimer = setTimeout(() => {
      if (!this.events?.isConnected) this.checkOperations();
      this.schedulePoll();
    }, interval);
  }

  private watchStamps(): void {
    const paths = this.options.stampPaths ?? [];
    for (const path of paths) {
      this.stampTimes.set(path, mtimeOf(path));
      try {
        // The directory, not the file: the stamp may not exist yet, and a replaced file keeps no watch.
        const watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
          if (file === null || file.toString() === basename(path)) this.stampChanged(path);
        });
        watcher.on('error', () => undefined);
        this.watchers.push(watcher);
      } catch {
        // The directory does not exist (yet): the poll below notices the stamp once it appears.
      }
    }
    const poll = () => {
      if (!this.running) return;
      for (const path of paths) this.stampChanged(path);
      this.stampTimer = setTimeout(poll, this.options.stampPollMs ?? 30_000);
    };
    if (paths.length > 0) this.stampTimer = setTimeout(poll, this.options.stampPollMs ?? 30_000);
  }

  private stampChanged(path: string): void {
    const time = mtimeOf(path);
    if (time === this.stampTimes.get(path)) return;
    this.stampTimes.set(path, time);
    if (time === 0) return;
    this.log('pacman-sync daemon: pacman transaction finished; reporting');
    this.reportAfterTransaction();
  }
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
