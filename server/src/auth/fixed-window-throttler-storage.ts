import { Logger, OnModuleDestroy } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import type { DataSource } from 'typeorm';

interface Window {
  /** When the window started; adopted from the shared counter once merged, so instances agree. */
  startedAt: number;
  ttl: number;
  /** Hits of every instance as the shared counter last said (this instance's merged hits included). */
  merged: number;
  /** This instance's hits being merged right now. */
  merging: number;
  /** This instance's hits not merged yet. */
  pending: number;
  blockedUntil: number;
}

/** Expired windows are dropped this often, so clients that went quiet cost no memory. */
const SWEEP_INTERVAL_MS = 60_000;
/** How often an instance adds its hits to the shared counters and learns the others'. */
export const MERGE_INTERVAL_MS = 1000;
const FORGET_AFTER_MS = 10 * 60_000;

/**
 * API_RATE_LIMIT's counters: one fixed window per client, O(1) per request and one small record per
 * client. @nestjs/throttler's default store keeps every hit's expiry and filters that list on each
 * request, which at a fleet's check-in rates cost more than the check-in's own database statement and
 * grew to `limit` numbers per client. A fixed window lets a client send up to twice the limit across a
 * window boundary; for a budget against runaway clients that is the usual trade.
 *
 * With several instances on one PostgreSQL ({@link SharedRateLimitCounters}) every instance adds its
 * hits to the shared `rate_limit_windows` rows once a second and learns the total, so a client spreading
 * its requests over the instances has one budget; between merges each instance counts what it sees
 * itself. A single SQLite instance has nothing to share and counts in memory only.
 */
export class FixedWindowThrottlerStorage implements ThrottlerStorage, OnModuleDestroy {
  private readonly logger = new Logger('RateLimit');
  private readonly windows = new Map<string, Window>();
  private readonly timers: NodeJS.Timeout[] = [];
  private merging: Promise<void> | null = null;

  constructor(private readonly shared: SharedRateLimitCounters | null = null) {
    // unref: the timers never keep a stopping process alive.
    this.timers.push(setInterval(() => this.evictExpired(Date.now()), SWEEP_INTERVAL_MS));
    if (shared) this.timers.push(setInterval(() => void this.merge(), MERGE_INTERVAL_MS));
    for (const timer of this.timers) timer.unref();
  }

  onModuleDestroy(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    return this.merging ?? Promise.resolve();
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
  ): Promise<ThrottlerStorageRecord> {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || (window.startedAt + window.ttl <= now && window.blockedUntil <= now)) {
      window = { startedAt: now, ttl, merged: 0, merging: 0, pending: 0, blockedUntil: 0 };
      this.windows.set(key, window);
    }
    if (window.blockedUntil <= now) {
      window.pending++;
      if (hitsOf(window) > limit) window.blockedUntil = now + blockDuration;
    }
    const isBlocked = window.blockedUntil > now;
    return {
      totalHits: hitsOf(window),
      timeToExpire: Math.max(0, Math.ceil((window.startedAt + window.ttl - now) / 1000)),
      isBlocked,
      timeToBlockExpire: isBlocked ? Math.ceil((window.blockedUntil - now) / 1000) : 0,
    };
  }

  /** One round of merging with the other instances; the interval calls it, tests may call it directly. */
  merge(): Promise<void> {
    if (!this.shared || this.merging) return this.merging ?? Promise.resolve();
    const batch = [...this.windows].filter(([, window]) => window.pending > 0);
    if (batch.length === 0) return Promise.resolve();
    for (const [, window] of batch) {
      window.merging = window.pending;
      window.pending = 0;
    }
    this.merging = this.shared
      .add(
        batch.map(([key, window]) => ({
          key,
          startedAt: window.startedAt,
          ttl: window.ttl,
          hits: window.merging,
        })),
      )
      .then(
        (totals) => {
          for (const [key, window] of batch) {
            const total = totals.get(key);
            if (total && this.windows.get(key) === window) {
              window.startedAt = total.startedAt;
              window.merged = total.hits;
            } else {
              window.merged += window.merging;
            }
            window.merging = 0;
          }
        },
        (error: unknown) => {
          // The database is away: keep counting locally and merge these hits next time.
          for (const [, window] of batch) {
            window.pending += window.merging;
            window.merging = 0;
          }
          this.logger.debug({ msg: 'could not merge rate-limit counters', err: error });
        },
      )
      .finally(() => {
        this.merging = null;
      });
    return this.merging;
  }

  private evictExpired(now: number): void {
    for (const [key, window] of this.windows) {
      if (window.startedAt + window.ttl <= now && window.blockedUntil <= now) this.windows.delete(key);
    }
    this.shared?.forgetBefore(now).catch((error: unknown) => {
      this.logger.debug({ msg: 'could not drop old rate-limit counters', err: error });
    });
  }
}

function hitsOf(window: Window): number {
  return window.merged + window.merging + window.pending;
}

/** The `rate_limit_windows` rows of a PostgreSQL database that several instances share. */
export class SharedRateLimitCounters {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Adds each client's new hits to its shared window in one statement and answers the totals. A shared
   * window that ended before this instance's began is started afresh; a younger one is joined.
   */
  async add(
    entries: Array<{ key: string; startedAt: number; ttl: number; hits: number }>,
  ): Promise<Map<string, { startedAt: number; hits: number }>> {
    const rows = (await this.dataSource.query(
      `INSERT INTO rate_limit_windows (key, window_start, hits)
       SELECT * FROM unnest($1::varchar[], $2::bigint[], $3::integer[])
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN rate_limit_windows.window_start <= EXCLUDED.window_start - $4::bigint
                     THEN EXCLUDED.hits ELSE rate_limit_windows.hits + EXCLUDED.hits END,
         window_start = CASE WHEN rate_limit_windows.window_start <= EXCLUDED.window_start - $4::bigint
                             THEN EXCLUDED.window_start ELSE rate_limit_windows.window_start END
       RETURNING key, window_start, hits`,
      [
        entries.map((entry) => entry.key),
        entries.map((entry) => entry.startedAt),
        entries.map((entry) => entry.hits),
        Math.max(...entries.map((entry) => entry.ttl)),
      ],
    )) as Array<{ key: string; window_start: string; hits: number }>;
    return new Map(
      rows.map((row) => [row.key, { startedAt: Number(row.window_start), hits: Number(row.hits) }]),
    );
  }

  /** Rows of windows that ended long ago (every window is far shorter than this). */
  async forgetBefore(now: number): Promise<void> {
    await this.dataSource.query('DELETE FROM rate_limit_windows WHERE window_start < $1', [
      now - FORGET_AFTER_MS,
    ]);
  }
}
