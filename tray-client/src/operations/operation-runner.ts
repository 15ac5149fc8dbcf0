import type { SyncPlan } from '@pacman-sync/shared';

import { printable } from '../api/api-error';
import type { Operation } from '../api/api-types';
import { PacmanSyncApi } from '../api/pacman-sync-api';
import { ApplySummary, PacmanAdapter } from '../core/pacman/pacman-adapter';
import { PacmanError } from '../core/pacman/pacman-errors';
import { ProgressListener, SyncProgress, throttleProgress } from '../core/sync/progress';
import { Reporter, ReportOutcome } from '../reporting/reporter';
import { parsePlan } from './plan-validation';

export interface OperationOutcome {
  operation: Operation;
  plan: SyncPlan;
  summary: ApplySummary;
  /** The state report after the change; null when the server became unreachable meanwhile. */
  report: ReportOutcome | null;
}

export interface OperationRunnerOptions {
  api: PacmanSyncApi;
  adapter: PacmanAdapter;
  reporter: Reporter;
  /** Shortest gap between progress reports to the server; phase changes always go out. */
  progressIntervalMs?: number;
}

/** Operations the client applies; set_latest is completed by the server alone. */
export function isExecutable(operation: Operation): boolean {
  return operation.operation_type === 'sync' || operation.operation_type === 'revert';
}

export class SyncBusyError extends Error {
  override readonly name = 'SyncBusyError';

  constructor() {
    super('a sync is already running in this client');
  }
}

/**
 * Runs one sync or revert the server created: claim it, check its plan, apply it with the pacman adapter
 * (one -U transaction), stream progress, complete or fail it with pacman's output summarised, then
 * report the new state. The CLI, the daemon and the tray all go through here, and one runner refuses a
 * second operation while one is running, before claiming it, so the server never sees it taken.
 */
export class OperationRunner {
  private running = false;

  constructor(private readonly options: OperationRunnerOptions) {}

  get busy(): boolean {
    return this.running;
  }

  async run(operation: Operation, onProgress?: ProgressListener): Promise<OperationOutcome> {
    if (this.running) throw new SyncBusyError();
    this.running = true;
    try {
      return await this.claimAndApply(operation, onProgress);
    } finally {
      this.running = false;
    }
  }

  private async claimAndApply(
    operation: Operation,
    onProgress?: ProgressListener,
  ): Promise<OperationOutcome> {
    const { api, adapter, reporter } = this.options;
    const claimed = operation.status === 'in_progress' ? operation : await api.claimOperation(operation.id);
    let plan: SyncPlan;
    try {
      plan = parsePlan(claimed.details?.plan);
    } catch (error) {
      await this.failQuietly(claimed.id, (error as Error).message, '');
      throw error;
    }

    const progress = new ProgressForwarder(api, claimed.id, this.options.progressIntervalMs ?? 1000);
    let summary: ApplySummary;
    try {
      summary = await adapter.applyPlan(plan, {
        acceptUnavailable: true,
        poolName: () => this.poolName(claimed),
        onProgress: (event) => {
          progress.send(event);
          onProgress?.(event);
        },
      });
    } catch (error) {
      await progress.drain();
      const tail = error instanceof PacmanError ? error.outputTail.join('\n') : '';
      await this.failQuietly(claimed.id, (error as Error).message, tail);
      // Whatever pacman managed before failing is the endpoint's state now; the server should know it.
      await reporter.report({ repositories: false }).catch(() => null);
      throw error;
    }
    await progress.drain();
    const completed = await api.completeOperation(claimed.id, summarise(summary));
    const report = await reporter.report({ repositories: false });
    return { operation: completed, plan, summary, report };
  }

  /** The pool the authorization prompt names (asked only when there is one): its name, else its id. */
  private async poolName(operation: Operation): Promise<string | null> {
    const id = operation.pool_id;
    if (id === null) return null;
    return this.options.api.getPool(id).then(
      (pool) => pool.name,
      () => id,
    );
  }

  private async failQuietly(id: string, message: string, tail: string): Promise<void> {
    try {
      await this.options.api.failOperation(
        id,
        printable(message).slice(0, 4000) || 'failed',
        tail.slice(-65536),
      );
    } catch {
      // The server marks an operation left in progress failed after its timeout.
    }
  }
}

export function summarise(summary: ApplySummary): string {
  const head =
    `installed ${summary.installed}, upgraded ${summary.upgraded}, downgraded ${summary.downgraded}, ` +
    `removed ${summary.removed} in ${(summary.durationMs / 1000).toFixed(1)} s`;
  return [head, ...summary.outputTail].join('\n').slice(0, 65536);
}

/** Overall percentage from the adapter's phases: installing is most of the work. */
export function overallPercent(event: SyncProgress): number {
  const fraction = event.total > 0 ? Math.min(1, event.current / event.total) : 0;
  switch (event.phase) {
    case 'resolve':
      return 0;
    case 'download':
      return Math.round(5 + 25 * fraction);
    case 'check':
      return 30;
    case 'install':
      return Math.round(35 + 55 * fraction);
    case 'reason':
      return 92;
    case 'remove':
      return Math.round(93 + 6 * fraction);
    case 'done':
      return 100;
  }
}

/**
 * Sends throttled progress to the server. One request at a time; while one is out, only the newest event
 * waits, so a slow server never holds up or backs up the transaction.
 */
class ProgressForwarder {
  readonly send: ProgressListener;
  private pending: { message: string; percent: number } | null = null;
  private sending: Promise<void> | null = null;

  constructor(
    private readonly api: PacmanSyncApi,
    private readonly operationId: string,
    intervalMs: number,
  ) {
    this.send = throttleProgress((event) => {
      this.pending = { message: printable(event.message).slice(0, 2000), percent: overallPercent(event) };
      this.sending ??= this.sendLoop();
    }, intervalMs);
  }

  async drain(): Promise<void> {
    await this.sending;
  }

  private async sendLoop(): Promise<void> {
    while (this.pending) {
      const body = this.pending;
      this.pending = null;
      await this.api.reportProgress(this.operationId, body).catch(() => undefined);
    }
    this.sending = null;
  }
}
