import { DEFAULT_REPORT_INTERVAL_SECONDS, type PacmanHolds, type SyncStatus } from '@pacman-sync/shared';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

import { CONTENT_HASH_LENGTH, jsonColumn, timestampColumn } from '../database/column-types';
import { Pool } from '../pools/pool.entity';
import { PackageStateEntity } from '../states/package-state.entity';

@Entity('endpoints')
export class Endpoint {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'varchar', length: 255 })
  hostname!: string;

  @Index('IDX_endpoints_pool_id')
  @Column({ type: 'uuid', nullable: true })
  pool_id!: string | null;

  @ManyToOne(() => Pool, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'pool_id' })
  pool?: Pool | null;

  @Column(timestampColumn({ nullable: true }))
  last_seen!: Date | null;

  @Column({ type: 'varchar', length: 50, default: 'unknown' })
  sync_status!: SyncStatus;

  /** SHA-256 of the endpoint token; the token itself is shown once, at registration. */
  @Index('IDX_endpoints_token_hash')
  @Column({ type: 'varchar', length: 64 })
  token_hash!: string;

  /** Seconds between the client's reports; 3 × this without a report means offline. */
  @Column({ type: 'integer', default: DEFAULT_REPORT_INTERVAL_SECONDS })
  report_interval!: number;

  /** The snapshot the endpoint reported last: what check-ins compare against and plans start from. */
  @Column({ type: 'uuid', nullable: true })
  latest_state_id!: string | null;

  @ManyToOne(() => PackageStateEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'latest_state_id' })
  latest_state?: PackageStateEntity | null;

  /** Hash over the endpoint's whole repository report, for the hash-only repository check-in. */
  @Column({ type: 'varchar', length: CONTENT_HASH_LENGTH, nullable: true })
  repositories_hash!: string | null;

  /** Package files in the endpoint's cache, from its last repository report (what a downgrade can use). */
  @Column(jsonColumn({ nullable: true }))
  package_cache!: Array<{ name: string; version: string }> | null;

  /** Whether the client has an archive (Arch Linux Archive layout) configured. */
  @Column({ type: 'boolean', default: false })
  has_archive!: boolean;

  /** What the endpoint's pacman.conf holds (IgnorePkg, IgnoreGroup), from its last repository report. */
  @Column(jsonColumn({ nullable: true }))
  pacman_holds!: PacmanHolds | null;

  @CreateDateColumn(timestampColumn())
  created_at!: Date;

  @UpdateDateColumn(timestampColumn())
  updated_at!: Date;
}
