import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { repositoryContentHash, stateContentHash, SyncStatus, SystemState } from '@pacman-sync/shared';

import type { RepositoryReportResult, StateReportResult } from '../api/api-types';
import { LatestReportQueue } from '../api/latest-report-queue';
import { PacmanSyncApi } from '../api/pacman-sync-api';
import { StateStore, writePrivateFileAtomic } from '../core/config/state-dir';
import { PacmanAdapter } from '../core/pacman/pacman-adapter';
import { statusSummary } from './status-summary';

/** What the last repository report sent, so an unchanged cache, archive setting or holds are not sent again. */
export const REPORTED_OFFER_FILE = 'reported-offer.json';

export interface StateReportOutcome {
  /** `hash`: the server knew the snapshot; `full`: the package list was sent. */
  sent: 'hash' | 'full';
  result: StateReportResult;
}

export interface RepositoryReportOutcome {
  sent: 'hash' | 'full';
  result: RepositoryReportResult;
}

export interface ReportOutcome {
  state: StateReportOutcome;
  repositories: RepositoryReportOutcome | null;
  sync_status: SyncStatus;
}

export interface ReporterOptions {
  api: PacmanSyncApi;
  adapter: PacmanAdapter;
  store: StateStore;
  endpointId: string;
  /** Refresh the private sync database copy before reading repositories (default true). */
  refreshRepositories?: boolean;
  now?: () => Date;
}

/**
 * Reports what the endpoint has installed and what its repositories offer. A routine check-in sends only
 * content hashes (shared stateContentHash / repositoryContentHash); full lists go only when the server
 * does not hold them. The status learnt is cached in the state directory for Waybar and offline starts.
 */
export class Reporter {
  private readonly stateQueue: LatestReportQueue<SystemState, StateReportOutcome>;
  private readonly now: () => Date;

  constructor(private readonly options: ReporterOptions) {
    this.now = options.now ?? (() => new Date());
    this.stateQueue = new LatestReportQueue((state) => this.sendState(state));
  }

  /** Whether a state report is waiting for the server to come back. */
  get hasPendingState(): boolean {
    return this.stateQueue.hasPending;
  }

  /**
   * Reads and reports state and repositories. Returns null when the server is unreachable; the newest
   * state then stays queued and goes out with the next report or flush.
   */
  async report(options: { repositories?: boolean } = {}): Promise<ReportOutcome | null> {
    const state = await this.options.adapter.readInstalledState();
    const stateOutcome = await this.stateQueue.submit(state);
    if (stateOutcome === null) return null;
    const repositories = options.repositories === false ? null : await this.reportRepositories();
    await this.remember(stateOutcome.result.sync_status);
    return { state: stateOutcome, repositories, sync_status: stateOutcome.result.sync_status };
  }

  /** Delivers a state report queued during an outage; null when none was pending or still unreachable. */
  async flush(): Promise<StateReportOutcome | null> {
    const outcome = await this.stateQueue.flush();
    if (outcome) await this.remember(outcome.result.sync_status);
    return outcome;
  }

  async reportRepositories(): Promise<RepositoryReportOutcome> {
    const { api, adapter, endpointId } = this.options;
    const { repositories, cached, archive, holds } = await adapter.readPackageOffer({
      refresh: this.options.refreshRepositories ?? true,
    });
    const contentHash = repositoryContentHash(repositories);
    // The server's hash covers the repositories only; the cache, the archive setting and the holds are
    // part of what the endpoint can install too, so a local fingerprint decides whether they must go again.
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([contentHash, cached, archive, holds]))
      .digest('hex');
    if (fingerprint === this.readReportedFingerprint()) {
      const result = await api.reportRepositories(endpointId, { content_hash: contentHash });
      if (result.known) return { sent: 'hash', result };
    }
    const result = await api.reportRepositories(endpointId, {
      repositories,
      cached_packages: cached,
      archive,
      holds,
    });
    writePrivateFileAtomic(this.reportedOfferPath, `${JSON.stringify({ fingerprint })}\n`);
    return { sent: 'full', result };
  }

  /** Writes the status the server gave (with a one-line summary) to the cache Waybar reads. */
  async remember(status: SyncStatus, summary?: string | null): Promise<void> {
    this.options.store.writeLastStatus({
      endpoint_id: this.options.endpointId,
      sync_status: status,
      checked_at: this.now().toISOString(),
      summary: summary === undefined ? await this.summaryFor(status) : summary,
    });
  }

  private async summaryFor(status: SyncStatus): Promise<string | null> {
    if (status !== 'behind' && status !== 'ahead' && status !== 'diverged')
      return statusSummary(status, null);
    try {
      const { plan } = await this.options.api.getPlan(this.options.endpointId);
      return statusSummary(status, plan);
    } catch {
      // The summary is a nicety; the status itself is what must be cached.
      return statusSummary(status, null);
    }
  }

  private async sendState(state: SystemState): Promise<StateReportOutcome> {
    const { api, endpointId } = this.options;
    const contentHash = stateContentHash(state);
    const checkIn = await api.reportState(endpointId, { content_hash: contentHash });
    if (checkIn.known) return { sent: 'hash', result: checkIn };
    const result = await api.reportState(endpointId, { ...state, content_hash: contentHash });
    return { sent: 'full', result };
  }

  private get reportedOfferPath(): string {
    return join(this.options.store.dir, REPORTED_OFFER_FILE);
  }

  private readReportedFingerprint(): string | null {
    try {
      const data = JSON.parse(readFileSync(this.reportedOfferPath, 'utf8')) as { fingerprint?: unknown };
      return typeof data.fingerprint === 'string' ? data.fingerprint : null;
    } catch {
      // Missing or damaged: the full report that follows rewrites it.
      return null;
    }
  }
}
