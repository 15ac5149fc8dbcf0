import { DEFAULT_SYNC_POLICY, type SyncPolicy } from '@pacman-sync/shared';
import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type ValueTransformer,
} from 'typeorm';

import { jsonColumn, timestampColumn } from '../database/column-types';

/**
 * Policies are stored as JSON, so one written before a policy key existed lacks it: such a pool reads the
 * key's default (e.g. allow_endpoint_actions) without a migration rewriting every row. For
 * allow_endpoint_set_latest that default is off, which is the safe reading of every older pool.
 */
export const syncPolicyTransformer: ValueTransformer = {
  from: (stored: Partial<SyncPolicy> | null): SyncPolicy => ({ ...DEFAULT_SYNC_POLICY, ...stored }),
  to: (policy: SyncPolicy | undefined) => policy,
};

@Entity('pools')
export class Pool {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 255, unique: true })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column(jsonColumn({ transformer: syncPolicyTransformer }))
  sync_policy!: SyncPolicy;

  @CreateDateColumn(timestampColumn())
  created_at!: Date;

  @UpdateDateColumn(timestampColumn())
  updated_at!: Date;
}
