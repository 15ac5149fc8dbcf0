import type { PackageState } from '@pacman-sync/shared';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';

import { CONTENT_HASH_LENGTH, jsonColumn, timestampColumn } from '../database/column-types';
import { Endpoint } from '../endpoints/endpoint.entity';
import { Pool } from '../pools/pool.entity';

/** One snapshot of an endpoint's installed packages. Never edited after insert, except the target flags. */
@Entity('package_states')
@Index('IDX_package_states_endpoint_created', ['endpoint_id', 'created_at'])
@Index('UQ_package_states_pool_target', ['pool_id'], { unique: true, where: 'is_target = true' })
// Covering: whether a snapshot id has a given hash is answered from the index (see its migration).
@Index('IDX_package_states_id_content_hash', ['id', 'content_hash'])
export class PackageStateEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The pool the endpoint was in when it reported. */
  @Column({ type: 'uuid', nullable: true })
  pool_id!: string | null;

  @ManyToOne(() => Pool, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'pool_id' })
  pool?: Pool | null;

  /** Null once the endpoint is deleted: a target outlives the machine it came from. */
  @Column({ type: 'uuid', nullable: true })
  endpoint_id!: string | null;

  @ManyToOne(() => Endpoint, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'endpoint_id' })
  endpoint?: Endpoint | null;

  @Column(jsonColumn())
  state_data!: PackageState[];

  @Index('IDX_package_states_content_hash')
  @Column({ type: 'varchar', length: CONTENT_HASH_LENGTH })
  content_hash!: string;

  @Column({ type: 'varchar', length: 64 })
  pacman_version!: string;

  @Column({ type: 'varchar', length: 32 })
  architecture!: string;

  @Column({ type: 'integer' })
  package_count!: number;

  @Column({ type: 'boolean', default: false })
  is_target!: boolean;

  /** When this snapshot last became its pool's target (kept after it is replaced: target history). */
  @Column(timestampColumn({ nullable: true }))
  set_at!: Date | null;

  /** Who made it the target: `endpoint:<id>`, a user or token name once auth lands. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  set_by!: string | null;

  @CreateDateColumn(timestampColumn())
  created_at!: Date;
}
