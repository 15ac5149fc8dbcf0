import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One counter of failed logins: `pair:<username>\n<address>`, `address:<address>` or `user:<username>`
 * (usernames lower-cased). Only {@link LoginThrottle} reads and writes it, with raw statements; times are
 * integer milliseconds since the epoch so that arithmetic on them reads the same on both engines
 * (PostgreSQL's bigint comes back as a string, so the throttle converts).
 */
@Entity('login_throttle')
export class LoginThrottleEntry {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  key!: string;

  /** Attempts counted in the current window: reserved before the password check, refunded on success. */
  @Column({ type: 'integer' })
  failures!: number;

  @Column({ type: 'bigint' })
  window_start!: string;

  /** A lock (pairs and addresses) lasts until then; 0 when not locked. */
  @Column({ type: 'bigint', default: 0 })
  locked_until!: string;

  /** Length of the key's next lock (doubling per lock) or, for a username, of its next slowdown step. */
  @Column({ type: 'bigint' })
  penalty_ms!: string;

  /** Usernames under slowdown: the next attempt from an unknown address is let through from then. */
  @Column({ type: 'bigint', default: 0 })
  next_attempt_at!: string;

  /** Pairs: the last successful login, which makes the address known to the username for a while. */
  @Column({ type: 'bigint', default: 0 })
  last_success_at!: string;

  @Column({ type: 'bigint' })
  updated_at!: string;
}
