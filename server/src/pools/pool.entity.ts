import type { SyncPolicy } from '@pacman-sync/shared';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

import { jsonColumn, timestampColumn } from '../database/column-types';

@Entity('pools')
export class Pool {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 255, unique: true })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column(jsonColumn())
  sync_policy!: SyncPolicy;

  @CreateDateColumn(timestampColumn())
  created_at!: Date;

  @UpdateDateColumn(timestampColumn())
  updated_at!: Date;
}
