import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

import { timestampColumn } from '../database/column-types';

/** Roles a console user can have; `ci` and `endpoint` belong to tokens only (DESIGN.md §5). */
export const USER_ROLES = ['viewer', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  username!: string;

  /** `scrypt$N$r$p$salt$hash` (see password.ts), so the cost can rise without breaking old hashes. */
  @Column({ type: 'varchar', length: 255 })
  password_hash!: string;

  @Column({ type: 'varchar', length: 20 })
  role!: UserRole;

  /** A disabled user cannot log in, and sessions issued before are refused. */
  @Column({ type: 'boolean', default: false })
  disabled!: boolean;

  @Column(timestampColumn({ nullable: true }))
  last_login_at!: Date | null;

  @CreateDateColumn(timestampColumn())
  created_at!: Date;

  @UpdateDateColumn(timestampColumn())
  updated_at!: Date;
}
