import type { OperationStatus, OperationType } from '@pacman-sync/shared';
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

import { jsonColumn, timestampColumn } from '../database/column-types';
import { Endpoint } from '../endpoints/endpoint.entity';
import { Pool } from '../pools/pool.entity';
import { PackageStateEntity } from '../states/package-state.entity';

export const ACTIVE_OPERATION_INDEX = 'UQ_sync_operations_active_per_endpoint';

/**
 * The operations log. The partial unique index is what guarantees at most one pending or in-progress
 * sync/revert per endpoint, also across server instances: services insert and catch the violation.
 */
@Entity('sync_operations')
@Index(ACTIVE_OPERATION_INDEX, ['endpoint_id'], {
  unique: true,
  where: "status IN ('pending', 'in_progress') AND operation_type IN ('sync', 'revert')",
})
@Index('IDX_sync_operations_endpoint_created', ['endpoint_id', 'created_at'])
@Index('IDX_sync_operations_status', ['status'])
export class SyncOperation {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', nullable: true })
  pool_id!: string | null;

  @ManyToOne(() => Pool, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'pool_id' })
  pool?: Pool | null;

  @Column({ type: 'uuid' })
  endpoint_id!: string;

  @ManyToOne(() => Endpoint, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'endpoint_id' })
  endpoint?: Endpoint;

  @Column({ type: 'varchar', length: 50 })
  operation_type!: OperationType;

  @Column({ type: 'varchar', length: 50 })
  status!: OperationStatus;

  /** The plan at creation, progress messages and the client's summary of pacman's output. */
  @Column(jsonColumn({ nullable: true }))
  details!: Record<string, unknown> | null;

  /** The endpoint's snapshot when the operation was created: what a later revert goes back to. */
  @Column({ type: 'uuid', nullable: true })
  before_state_id!: string | null;

  @ManyToOne(() => PackageStateEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'before_state_id' })
  before_state?: PackageStateEntity | null;

  /** The snapshot the endpoint reported after completing. */
  @Column({ type: 'uuid', nullable: true })
  after_state_id!: string | null;

  @ManyToOne(() => PackageStateEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'after_state_id' })
  after_state?: PackageStateEntity | null;

  /** The snapshot the operation moves toward (pool target for sync, the earlier snapshot for revert). */
  @Column({ type: 'uuid', nullable: true })
  target_state_id!: string | null;

  @ManyToOne(() => PackageStateEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'target_state_id' })
  target_state?: PackageStateEntity | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @CreateDateColumn(timestampColumn())
  created_at!: Date;

  @Column(timestampColumn({ nullable: true }))
  claimed_at!: Date | null;

  @UpdateDateColumn(timestampColumn())
  updated_at!: Date;

  @Column(timestampColumn({ nullable: true }))
  completed_at!: Date | null;
}
