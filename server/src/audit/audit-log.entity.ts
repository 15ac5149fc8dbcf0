import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

import { jsonColumn, timestampColumn } from '../database/column-types';

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Append-only record of administrative actions, operations and failed logins (DESIGN.md §5). */
@Entity('audit_log')
@Index('IDX_audit_log_created_at', ['created_at'])
@Index('IDX_audit_log_actor', ['actor'])
@Index('IDX_audit_log_action', ['action'])
export class AuditLogEntry {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @CreateDateColumn(timestampColumn())
  created_at!: Date;

  /** Username, `token:<name>`, `endpoint:<id>`, `system`, or the username tried at a failed login. */
  @Column({ type: 'varchar', length: 255 })
  actor!: string;

  /** viewer | admin | ci | endpoint | system | anonymous */
  @Column({ type: 'varchar', length: 20 })
  role!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  source_address!: string | null;

  /** The API operation (its OpenAPI operationId, e.g. `syncEndpoint`) or an event such as `login`. */
  @Column({ type: 'varchar', length: 100 })
  action!: string;

  /** What was acted on: a request path such as `/api/endpoints/<id>/sync`, or a username. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  target!: string | null;

  @Column({ type: 'varchar', length: 20 })
  outcome!: AuditOutcome;

  @Column(jsonColumn({ nullable: true }))
  details!: Record<string, unknown> | null;
}
