import type { CompatibilityAnalysis } from '@pacman-sync/shared';
import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import { jsonColumn, timestampColumn } from '../database/column-types';
import { Pool } from '../pools/pool.entity';

/** The last analysis of each pool, so reading it does not recompute it. */
@Entity('repository_analyses')
export class RepositoryAnalysisEntity {
  @PrimaryColumn({ type: 'uuid' })
  pool_id!: string;

  @ManyToOne(() => Pool, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'pool_id' })
  pool?: Pool;

  @Column(jsonColumn())
  result!: CompatibilityAnalysis;

  @Column(timestampColumn())
  last_analyzed!: Date;
}
