import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';

const DAY_MS = 24 * 3600 * 1000;
/** A lock never lasts longer, however often the key was locked before. */
const MAX_LOCK_MS = DAY_MS;
/** The first step of a username's slowdown; each further attempt from an unknown address doubles it. */
const FIRST_SLOWDOWN_MS = 1000;
/** An address a username logged in from stays known (exempt from the username's slowdown) this long. */
const KNOWN_ADDRESS_MS = 30 * DAY_MS;
/** Rows quiet for this long are deleted, at most once an hour per instance. */
const FORGET_AFTER_MS = KNOWN_ADDRESS_MS + DAY_MS;
const FORGET_INTERVAL_MS = 3600 * 1000;
/** Refused while earlier attempts of the key are still being checked: they decide whether it locks. */
const IN_FLIGHT_RETRY_MS = 1000;

export type ThrottleScope = 'username_and_address' | 'address' | 'username';

/** The keys one login attempt reserved; every one of them is settled exactly once. */
export interface LoginAttempt {
  readonly now: number;
  readonly keys: Readonly<Record<ThrottleScope, string | null>>;
}

export type Reservation =
  | { ok: true; attempt: LoginAttempt; slowdownStarted: boolean }
  | { ok: false; reason: 'locked' | 'slowed'; scope: ThrottleScope; retryAfterMs: number };

export interface FailureOutcome {
  /** The locks this failure set, with their length. */
  locked: Array<{ scope: ThrottleScope; lockMs: number }>;
}

/**
 * Failed-login limits that hold under concurrency and across instances (the `login_throttle` table):
 *
 * - An attempt **reserves** its place before the password is checked, one atomic upsert per key that
 *   refuses when the key is locked or full. Sixty simultaneous guesses therefore get five checks, not
 *   sixty. A success gives its reservations back.
 * - **Locks** are per username *and* address (5 failures) and per address (20 failures, any usernames):
 *   someone guessing at a username locks only their own address out of it, never the user elsewhere.
 *   Each further lock of the same key doubles, up to a day; failures older than the window are forgotten.
 * - Per **username** across addresses there is only a slowdown (OWASP's advice against account lockout):
 *   after 10 failures in the window, attempts from addresses the user never logged in from are spaced
 *   1 s, 2 s, 4 s … up to loginSlowdownMaxSeconds apart. An address that logged in within 30 days is
 *   never slowed, so a distributed guesser cannot keep the user out.
 *
 * Every statement is one atomic `INSERT … ON CONFLICT … DO UPDATE … WHERE … RETURNING` or `UPDATE`,
 * the same text on SQLite and PostgreSQL (times are integer milliseconds); {@link run} is the only place
 * the dialects differ (placeholders, and PostgreSQL's bigint coming back as a string).
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger('LoginThrottle');
  private lastForget = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async reserve(username: string, address: string | null, now = Date.now()): Promise<Reservation> {
    this.forgetQuietKeys(now);
    const user = username.toLowerCase();
    const from = address ?? 'unknown';
    const addressKey = `address:${from}`;
    const pairKey = `pair:${user}\n${from}`;

    const addressRow = await this.reserveLockKey(addressKey, this.config.loginFailuresPerAddress, now);
    if (!addressRow) return this.refusedByLock(addressKey, 'address', now);
    const pairRow = await this.reserveLockKey(pairKey, this.config.loginFailuresPerUsernameAndAddress, now);
    if (!pairRow) {
      await this.refund([addressKey]);
      return this.refusedByLock(pairKey, 'username_and_address', now);
    }
    const knownAddress = pairRow.last_success_at > 0 && pairRow.last_success_at >= now - KNOWN_ADDRESS_MS;
    if (knownAddress) {
      return {
        ok: true,
        attempt: { now, keys: { address: addressKey, username_and_address: pairKey, username: null } },
        slowdownStarted: false,
      };
    }
    const userKey = `user:${user}`;
    const userRow = await this.reserveSlowdownKey(userKey, now);
    if (!userRow) {
      await this.refund([addressKey, pairKey]);
      const [row] = await this.run<{ next_attempt_at: number }>(
        'SELECT next_attempt_at FROM login_throttle WHERE key = $1',
        [userKey],
      );
      return {
        ok: false,
        reason: 'slowed',
        scope: 'username',
        retryAfterMs: Math.max(1000, (row?.next_attempt_at ?? now) - now),
      };
    }
    return {
      ok: true,
      attempt: { now, keys: { address: addressKey, username_and_address: pairKey, username: userKey } },
      slowdownStarted: userRow.failures === this.config.loginSlowdownAfterFailures + 1,
    };
  }

  /** The password was wrong (or the user unknown or disabled): the attempt stays counted; maybe a lock. */
  async recordFailure(attempt: LoginAttempt, now = Date.now()): Promise<FailureOutcome> {
    const locked: FailureOutcome['locked'] = [];
    const limits: Array<[ThrottleScope, number]> = [
      ['username_and_address', this.config.loginFailuresPerUsernameAndAddress],
      ['address', this.config.loginFailuresPerAddress],
    ];
    for (const [scope, maxFailures] of limits) {
      const key = attempt.keys[scope]!;
      // Only the failure that finds the key full sets the lock, and it resets the count: the other
      // attempts already in flight then fail without locking again.
      const [row] = await this.run<{ locked_until: number }>(
        `UPDATE login_throttle
           SET locked_until = $2 + penalty_ms,
               penalty_ms = CASE WHEN penalty_ms * 2 > $4 THEN $4 ELSE penalty_ms * 2 END,
               failures = 0, updated_at = $2
         WHERE key = $1 AND failures >= $3 AND locked_until <= $2
         RETURNING locked_until`,
        [key, now, maxFailures, MAX_LOCK_MS],
      );
      if (row) locked.push({ scope, lockMs: row.locked_until - now });
    }
    return { locked };
  }

  /** The right password: the pair is cleared and remembered as known; the other keys get the attempt back. */
  async recordSuccess(attempt: LoginAttempt, now = Date.now()): Promise<void> {
    await this.run(
      `UPDATE login_throttle SET failures = 0, locked_until = 0, last_success_at = $2, updated_at = $2
       WHERE key = $1`,
      [attempt.keys.username_and_address, now],
    );
    await this.refund([attempt.keys.address, attempt.keys.username]);
  }

  /** A pair or address key: counts the attempt unless the key is locked or already holds its maximum. */
  private async reserveLockKey(
    key: string,
    maxFailures: number,
    now: number,
  ): Promise<{ failures: number; last_success_at: number } | null> {
    const windowFloor = now - this.config.loginLockSeconds * 1000;
    const [row] = await this.run<{ failures: number; last_success_at: number }>(
      `INSERT INTO login_throttle
         (key, failures, window_start, locked_until, penalty_ms, next_attempt_at, last_success_at, updated_at)
       VALUES ($1, 1, $2, 0, $3, 0, 0, $2)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN login_throttle.window_start <= $4 THEN 1 ELSE login_throttle.failures + 1 END,
         window_start = CASE WHEN login_throttle.window_start <= $4 THEN $2 ELSE login_throttle.window_start END,
         penalty_ms = CASE WHEN login_throttle.updated_at <= $6 THEN $3 ELSE login_throttle.penalty_ms END,
         updated_at = $2
       WHERE login_throttle.locked_until <= $2
         AND CASE WHEN login_throttle.window_start <= $4 THEN 1 ELSE login_throttle.failures + 1 END <= $5
       RETURNING failures, last_success_at`,
      [key, now, this.config.loginLockSeconds * 1000, windowFloor, maxFailures, now - DAY_MS],
    );
    return row ?? null;
  }

  /** A username key: counts the attempt, and beyond the soft limit lets one through per slowdown step. */
  private async reserveSlowdownKey(key: string, now: number): Promise<{ failures: number } | null> {
    const windowFloor = now - this.config.loginLockSeconds * 1000;
    const fresh = `login_throttle.window_start <= $4`;
    const failures = `CASE WHEN ${fresh} THEN 1 ELSE login_throttle.failures + 1 END`;
    const penalty = `CASE WHEN ${fresh} THEN $3 ELSE login_throttle.penalty_ms END`;
    const [row] = await this.run<{ failures: number }>(
      `INSERT INTO login_throttle
         (key, failures, window_start, locked_until, penalty_ms, next_attempt_at, last_success_at, updated_at)
       VALUES ($1, 1, $2, 0, $3, 0, 0, $2)
       ON CONFLICT (key) DO UPDATE SET
         failures = ${failures},
         window_start = CASE WHEN ${fresh} THEN $2 ELSE login_throttle.window_start END,
         next_attempt_at = CASE WHEN ${failures} > $5 THEN $2 + ${penalty}
                                ELSE login_throttle.next_attempt_at END,
         penalty_ms = CASE WHEN ${failures} > $5
                           THEN (CASE WHEN ${penalty} * 2 > $6 THEN $6 ELSE ${penalty} * 2 END)
                           ELSE ${penalty} END,
         updated_at = $2
       WHERE ${failures} <= $5 OR login_throttle.next_attempt_at <= $2
       RETURNING failures`,
      [
        key,
        now,
        FIRST_SLOWDOWN_MS,
        windowFloor,
        this.config.loginSlowdownAfterFailures,
        this.config.loginSlowdownMaxSeconds * 1000,
      ],
    );
    return row ?? null;
  }

  private async refusedByLock(key: string, scope: ThrottleScope, now: number): Promise<Reservation> {
    const [row] = await this.run<{ locked_until: number }>(
      'SELECT locked_until FROM login_throttle WHERE key = $1',
      [key],
    );
    const lockedUntil = row?.locked_until ?? 0;
    return lockedUntil > now
      ? { ok: false, reason: 'locked', scope, retryAfterMs: lockedUntil - now }
      : { ok: false, reason: 'locked', scope, retryAfterMs: IN_FLIGHT_RETRY_MS };
  }

  private async refund(keys: Array<string | null>): Promise<void> {
    for (const key of keys) {
      if (key === null) continue;
      await this.run(
        'UPDATE login_throttle SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END WHERE key = $1',
        [key],
      );
    }
  }

  private forgetQuietKeys(now: number): void {
    if (now - this.lastForget < FORGET_INTERVAL_MS) return;
    this.lastForget = now;
    this.run('DELETE FROM login_throttle WHERE updated_at < $1 AND locked_until < $2', [
      now - FORGET_AFTER_MS,
      now,
    ]).catch((error: unknown) => {
      // Housekeeping only; the next hour tries again.
      this.logger.warn({ msg: 'could not forget old login counters', err: error });
    });
  }

  /**
   * Runs one statement written with PostgreSQL's `$n` placeholders; on SQLite they become `?` with the
   * values in order of appearance. Integer columns come back as numbers on both engines.
   */
  private async run<Row extends Record<string, number>>(
    statement: string,
    parameters: Array<string | number | null>,
  ): Promise<Row[]> {
    let text = statement;
    let values = parameters;
    if (this.dataSource.options.type !== 'postgres') {
      values = [];
      text = statement.replace(/\$(\d+)/g, (_match, index: string) => {
        values.push(parameters[Number(index) - 1]);
        return '?';
      });
    }
    const runner = this.dataSource.createQueryRunner();
    try {
      const result = await runner.query(text, values, true);
      const rows = (result.records ?? []) as Array<Record<string, unknown>>;
      return rows.map(
        (row) => Object.fromEntries(Object.entries(row).map(([name, value]) => [name, Number(value)])) as Row,
      );
    } finally {
      await runner.release();
    }
  }
}
