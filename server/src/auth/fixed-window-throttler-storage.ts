import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';

interface Window {
  expiresAt: number;
  hits: number;
  blockedUntil: number;
}

/** Expired windows are dropped this often, so clients that went quiet cost no memory. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * API_RATE_LIMIT's counters: one fixed window per client, O(1) per request and one small record per
 * client. @nestjs/throttler's default store keeps every hit's expiry and filters that list on each
 * request, which at a fleet's check-in rates cost more than the check-in's own database statement and
 * grew to `limit` numbers per client. A fixed window lets a client send up to twice the limit across a
 * window boundary; for a budget against runaway clients that is the usual trade.
 */
export class FixedWindowThrottlerStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();

  constructor() {
    // unref: the sweep never keeps a stopping process alive.
    setInterval(() => this.evictExpired(Date.now()), SWEEP_INTERVAL_MS).unref();
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
  ): Promise<ThrottlerStorageRecord> {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || (window.expiresAt <= now && window.blockedUntil <= now)) {
      window = { expiresAt: now + ttl, hits: 0, blockedUntil: 0 };
      this.windows.set(key, window);
    }
    if (window.blockedUntil <= now) {
      window.hits++;
      if (window.hits > limit) window.blockedUntil = now + blockDuration;
    }
    const isBlocked = window.blockedUntil > now;
    return {
      totalHits: window.hits,
      timeToExpire: Math.max(0, Math.ceil((window.expiresAt - now) / 1000)),
      isBlocked,
      timeToBlockExpire: isBlocked ? Math.ceil((window.blockedUntil - now) / 1000) : 0,
    };
  }

  private evictExpired(now: number): void {
    for (const [key, window] of this.windows) {
      if (window.expiresAt <= now && window.blockedUntil <= now) this.windows.delete(key);
    }
  }
}
