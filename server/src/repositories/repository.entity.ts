import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

import { CONTENT_HASH_LENGTH, timestampColumn } from '../database/column-types';
import { Endpoint } from '../endpoints/endpoint.entity';
import { RepositoryContent } from './repository-content.entity';

/** One configured repository of one endpoint; its packages live in repository_contents. */
@Entity('repositories')
@Index('UQ_repositories_endpoint_repo', ['endpoint_id', 'repo_name'], { unique: true })
export class RepositoryEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  endpoint_id!: string;

  @ManyToOne(() => Endpoint, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'endpoint_id' })
  endpoint?: Endpoint;

  @Column({ type: 'varchar', length: 255 })
  repo_name!: string;

  /** Order in the endpoint's pacman.conf: the plan prefers the first repository offering a version. */
  @Column({ type: 'integer' })
  position!: number;

  @Column({ type: 'varchar', length: 500, nullable: true })
  repo_url!: string | null;

  @Index('IDX_repositories_content_hash')
  @Column({ type: 'varchar', length: CONTENT_HASH_LENGTH })
  content_hash!: string;

  @ManyToOne(() => RepositoryContent, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'content_hash' })
  content?: RepositoryContent;

  @UpdateDateColumn(timestampColumn())
  last_updated!: Date;
}
