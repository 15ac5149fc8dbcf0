import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';

import { timestampColumn } from '../database/column-types';
import { Pool } from '../pools/pool.entity';

export const API_TOKEN_ROLES = ['viewer', 'admin', 'ci'] as const;
export type ApiTokenRole = (typeof API_TOKEN_ROLES)[number];

/** Tokens for CI and scripts. Only the SHA-256 of the secret is kept; the secret is shown once. */
@Entity('api_tokens')
export class ApiToken {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 20 })
  role!: ApiTokenRole;

  /** Whether the token may register endpoints (POST /api/endpoints), whatever its role. */
  @Column({ type: 'boolean', default: false })
  can_enroll!: boolean;

  /**
   * The pool endpoints registered with this token land in (enrolment tokens only). Null: into no pool,
   * where they wait for an admin to assign them. Also null once that pool is deleted.
   */
  @Column({ type: 'uuid', nullable: true })
  enroll_pool_id!: string | null;

  @ManyToOne(() => Pool, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'enroll_pool_id' })
  enroll_pool?: Pool | null;

  @Index('UQ_api_tokens_token_hash', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  token_hash!: string;

  /** The first characters of the secret, so a person can tell tokens apart in lists and logs. */
  @Column({ type: 'varchar', length: 16 })
  token_prefix!: string;

  @Column(timestampColumn({ nullable: true }))
  expires_at!: Date | null;

  @Column(timestampColumn({ nullable: true }))
  revoked_at!: Date | null;

  @Column(timestampColumn({ nullable: true }))
  last_used_at!: Date | null;

  /** Username (or token name) of whoever created it. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  created_by!: string | null;

  @CreateDateColumn(timestampColumn())
  created_at!: Date;
}
