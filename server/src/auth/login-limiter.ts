/** Where a key stands: failures since the last success or lock, and how often it has been locked. */
interface KeyState {
  failures: number;
  locks: number;
  lockedUntil: number;
  lastFailure: number;
}

const MAX_LOCK_MS = 24 * 3600 * 1000;
const MAX_KEYS = 50_000;

export interface LimiterPolicy {
  /** Failures of one key before it is locked. */
  maxFailures: number;
  /** First lock; every further lock of the same key doubles it (up to a day). */
  lockMs: number;
}

/**
 * Counts failed logins per key (a username, an address) and locks a key after too many: 5 failures lock a
 * username for 15 minutes, the next lock lasts 30, then 60… A success clears the key's failures (not its
 * lock history, until it has been quiet for a day). In memory, per instance.
 */
export class LoginLimiter {
  private readonly keys = new Map<string, KeyState>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds until the key unlocks, or 0 when it is not locked. */
  lockedFor(key: string): number {
    const state = this.keys.get(key);
    if (!state) return 0;
    return Math.max(0, state.lockedUntil - this.now());
  }

  /** Records a failure; answers the new lock's length when this failure locked the key, else 0. */
  fail(key: string, policy: LimiterPolicy): number {
    const now = this.now();
    let state = this.keys.get(key);
    if (state && now - state.lastFailure > MAX_LOCK_MS && state.lockedUntil <= now) state = undefined;
    if (!state) {
      if (this.keys.size >= MAX_KEYS) this.evictOne(now);
      state = { failures: 0, locks: 0, lockedUntil: 0, lastFailure: now };
      this.keys.set(key, state);
    }
    state.failures += 1;
    state.lastFailure = now;
    if (state.failures < policy.maxFailures) return 0;
    const lockMs = Math.min(MAX_LOCK_MS, policy.lockMs * 2 ** state.locks);
    state.locks += 1;
    state.failures = 0;
    state.lockedUntil = now + lockMs;
    return lockMs;
  }

  succeed(key: string): void {
    const state = this.keys.get(key);
    if (state) state.failures = 0;
  }

  private evictOne(now: number): void {
    // Prefer an unlocked key; under a flood of distinct keys, dropping the oldest is the bounded choice.
    for (const [key, state] of this.keys) {
      if (state.lockedUntil <= now) {
        this.keys.delete(key);
        return;
      }
    }
    this.keys.delete(this.keys.keys().next().value as string);
  }
}
