import { computed, inject, Injectable, signal } from '@angular/core';

import { errorMessage } from '../api/api-error';
import type { EndpointDto, SyncStatus } from '../api/generated/models';
import { SYNC_STATUS } from '../api/generated/models/sync-status-array';
import { EndpointsService } from '../api/generated/services/endpoints.service';
import { LiveEventsService } from '../events/live-events.service';

export type StatusCounts = Record<SyncStatus, number>;

export interface FleetSample {
  /** Epoch milliseconds. */
  at: number;
  counts: StatusCounts;
}

/** The server's largest page; 10,000 endpoints arrive in 20 requests, two at a time. */
const PAGE_SIZE = 500;
const PARALLEL_PAGES = 2;
/** At most one chart sample per this interval, and the chart keeps the latest MAX_SAMPLES. */
const SAMPLE_EVERY_MS = 30_000;
const MAX_SAMPLES = 240;
const HISTORY_KEY = 'pacman-sync.fleet-history';

export function emptyCounts(): StatusCounts {
  return { unknown: 0, in_sync: 0, behind: 0, ahead: 0, diverged: 0, offline: 0 };
}

/**
 * Every endpoint of the fleet, loaded once and then kept current by `endpoint.status` events, so the
 * dashboard counts and the pool members update in place instead of reloading 10,000 rows per event.
 */
@Injectable({ providedIn: 'root' })
export class FleetStore {
  private readonly api = inject(EndpointsService);
  private readonly byId = new Map<string, number>();
  private loadRun = 0;

  readonly endpoints = signal<readonly EndpointDto[]>([]);
  readonly loading = signal(false);
  readonly loaded = signal(false);
  readonly error = signal<string | null>(null);
  readonly history = signal<readonly FleetSample[]>(readHistory());

  readonly counts = computed(() => {
    const counts = emptyCounts();
    for (const endpoint of this.endpoints()) counts[endpoint.sync_status]++;
    return counts;
  });

  /** pool id ('' for endpoints in no pool) → counts per status. */
  readonly countsByPool = computed(() => {
    const byPool = new Map<string, StatusCounts>();
    for (const endpoint of this.endpoints()) {
      const key = endpoint.pool_id ?? '';
      let counts = byPool.get(key);
      if (!counts) byPool.set(key, (counts = emptyCounts()));
      counts[endpoint.sync_status]++;
    }
    return byPool;
  });

  constructor() {
    // The store follows the event stream itself, whichever screen is open, so no screen shows a status
    // another screen has already seen change. A poll tick (socket down) reloads, but only a fleet once loaded.
    inject(LiveEventsService).events$.subscribe((event) => {
      if (event.type === 'endpoint.status') this.applyStatus(event.data);
      else if (event.type === 'poll' && this.loaded()) void this.load();
    });
  }

  readonly nameOf = computed(() => {
    const names = new Map<string, string>();
    for (const endpoint of this.endpoints()) names.set(endpoint.id, endpoint.name);
    return names;
  });

  async load(): Promise<void> {
    const run = ++this.loadRun;
    this.loading.set(true);
    try {
      const first = await this.api.listEndpoints({ limit: PAGE_SIZE, offset: 0 });
      const pages: EndpointDto[][] = [first.items];
      const offsets: number[] = [];
      for (let offset = PAGE_SIZE; offset < first.total; offset += PAGE_SIZE) offsets.push(offset);
      for (let i = 0; i < offsets.length; i += PARALLEL_PAGES) {
        const batch = await Promise.all(
          offsets
            .slice(i, i + PARALLEL_PAGES)
            .map((offset) => this.api.listEndpoints({ limit: PAGE_SIZE, offset })),
        );
        pages.push(...batch.map((page) => page.items));
      }
      if (run !== this.loadRun) return;
      this.replace(dedupe(pages.flat()));
      this.error.set(null);
      this.loaded.set(true);
    } catch (error) {
      if (run === this.loadRun) this.error.set(errorMessage(error));
    } finally {
      if (run === this.loadRun) this.loading.set(false);
    }
  }

  /** Applies an `endpoint.status` event; unknown endpoints (registered since the load) trigger a reload. */
  applyStatus(data: Record<string, unknown>): void {
    const id = data['endpoint_id'];
    const status = data['sync_status'];
    if (typeof id !== 'string' || !isSyncStatus(status)) return;
    const index = this.byId.get(id);
    if (index === undefined) {
      void this.load();
      return;
    }
    const current = this.endpoints();
    const poolId = typeof data['pool_id'] === 'string' ? data['pool_id'] : current[index].pool_id;
    const updated: EndpointDto = { ...current[index], sync_status: status, pool_id: poolId };
    const next = current.slice();
    next[index] = updated;
    this.endpoints.set(next);
    this.sample();
  }

  /** After the console itself changed endpoints (assigned a pool, renamed) and got them back. */
  upsert(changed: readonly EndpointDto[]): void {
    const next = this.endpoints().slice();
    for (const endpoint of changed) {
      const index = this.byId.get(endpoint.id);
      if (index === undefined) {
        this.byId.set(endpoint.id, next.length);
        next.push(endpoint);
      } else next[index] = endpoint;
    }
    this.endpoints.set(next);
  }

  private replace(endpoints: EndpointDto[]): void {
    this.byId.clear();
    endpoints.forEach((endpoint, index) => this.byId.set(endpoint.id, index));
    this.endpoints.set(endpoints);
    this.sample();
  }

  private sample(): void {
    const now = Date.now();
    const history = this.history();
    const last = history[history.length - 1];
    const counts = this.counts();
    const sample: FleetSample = { at: now, counts };
    const next =
      last && now - last.at < SAMPLE_EVERY_MS ? [...history.slice(0, -1), sample] : [...history, sample];
    const bounded = next.slice(-MAX_SAMPLES);
    this.history.set(bounded);
    writeHistory(bounded);
  }
}

function isSyncStatus(value: unknown): value is SyncStatus {
  return typeof value === 'string' && (SYNC_STATUS as string[]).includes(value);
}

/** Offset paging can repeat a row when endpoints register between pages; the later copy wins. */
function dedupe(endpoints: EndpointDto[]): EndpointDto[] {
  const byId = new Map<string, EndpointDto>();
  for (const endpoint of endpoints) byId.set(endpoint.id, endpoint);
  return [...byId.values()];
}

function readHistory(): FleetSample[] {
  try {
    const parsed: unknown = JSON.parse(globalThis.localStorage?.getItem(HISTORY_KEY) ?? '[]');
    return Array.isArray(parsed)
      ? parsed.filter(
          (sample): sample is FleetSample =>
            typeof sample === 'object' &&
            sample !== null &&
            typeof sample.at === 'number' &&
            typeof sample.counts === 'object',
        )
      : [];
  } catch {
    return [];
  }
}

function writeHistory(history: readonly FleetSample[]): void {
  try {
    globalThis.localStorage?.setItem(HISTORY_KEY, JSON.stringify(history));
  } catch {
    // A full or disabled storage only costs the chart its memory across visits.
  }
}
