import type { RepositoryReport } from '@pacman-sync/shared';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

import { CONTENT_HASH_LENGTH, jsonColumn, timestampColumn } from '../database/column-types';

/** A repository's package list, stored once however many endpoints report the same content. */
@Entity('repository_contents')
export class RepositoryContent {
  @PrimaryColumn({ type: 'varchar', length: CONTENT_HASH_LENGTH })
  content_hash!: string;

  @Column(jsonColumn())
  packages!: RepositoryReport['packages'];

  @Column({ type: 'integer' })
  package_count!: number;

  @CreateDateColumn(timestampColumn())
  created_at!: Date;
}
