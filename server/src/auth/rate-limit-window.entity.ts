import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * API_RATE_LIMIT's count of one client in one clock-aligned window, merged by every instance that shares
 * a PostgreSQL database (see rate-limit-storage.ts). A single SQLite instance counts in memory only.
 */
@Entity('rate_limit_windows')
export class RateLimitWindow {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  key!: string;

  /** Milliseconds since the epoch, a multiple of the window length. */
  @Column({ type: 'bigint' })
  window_start!: string;

  @Column({ type: 'integer' })
  hits!: number;
}
