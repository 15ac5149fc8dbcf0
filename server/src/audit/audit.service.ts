import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository } from 'typeorm';

import { actorOf, Principal } from '../auth/principal';
import { AuditLogEntry, AuditOutcome } from './audit-log.entity';
import { AuditEntryDto, AuditPageDto, ListAuditQueryDto } from './dto/audit.dto';

export interface AuditRecord {
  actor: string;
  role: string;
  sourceAddress: string | null;
  action: string;
  target: string | null;
  outcome: AuditOutcome;
  details?: Record<string, unknown> | null;
}

const MAX_TARGET = 500;

/** Escapes LIKE wildcards so a filter value matches literally on SQLite and PostgreSQL. */
function likeLiteral(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}

@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(@InjectRepository(AuditLogEntry) private readonly entries: Repository<AuditLogEntry>) {}

  /** Never throws: a lost audit line is logged loudly, but it does not undo the action it describes. */
  async record(record: AuditRecord): Promise<void> {
    try {
      const entry = this.entries.create({
        // Set here, not by the column default: SQLite's datetime('now') has whole seconds, too coarse to order by.
        created_at: new Date(),
        actor: record.actor.slice(0, 255),
        role: record.role.slice(0, 20),
        source_address: record.sourceAddress,
        action: record.action.slice(0, 100),
        target: record.target === null ? null : record.target.slice(0, MAX_TARGET),
        outcome: record.outcome,
        details: record.details ?? null,
      });
      await this.entries.save(entry, { reload: false });
    } catch (error) {
      this.logger.error({ msg: 'could not write the audit log', err: error, audit: record });
    }
  }

  recordFor(
    principal: Principal,
    sourceAddress: string | null,
    entry: Omit<AuditRecord, 'actor' | 'role' | 'sourceAddress'>,
  ) {
    return this.record({ actor: actorOf(principal), role: principal.role, sourceAddress, ...entry });
  }

  /**
   * For changes no request made: the maintenance job failing a stale operation, auto_sync creating syncs.
   * Calls made over the API are written by AuditInterceptor and need nothing from their services.
   */
  recordSystem(action: string, target: string | null, details: Record<string, unknown> | null = null) {
    return this.record({
      actor: 'system',
      role: 'system',
      sourceAddress: null,
      action,
      target,
      outcome: 'success',
      details,
    });
  }

  async list(query: ListAuditQueryDto): Promise<AuditPageDto> {
    const builder = this.entries.createQueryBuilder('entry');
    if (query.actor !== undefined) builder.andWhere('entry.actor = :actor', { actor: query.actor });
    if (query.action !== undefined) builder.andWhere('entry.action = :action', { action: query.action });
    if (query.outcome !== undefined) builder.andWhere('entry.outcome = :outcome', { outcome: query.outcome });
    if (query.target !== undefined) {
      builder.andWhere(
        new Brackets((where) =>
          where.where("entry.target LIKE :target ESCAPE '\\'", { target: `%${likeLiteral(query.target!)}%` }),
        ),
      );
    }
    if (query.since !== undefined) builder.andWhere('entry.created_at >= :since', { since: query.since });
    if (query.until !== undefined) builder.andWhere('entry.created_at < :until', { until: query.until });
    const [rows, total] = await builder
      .orderBy('entry.created_at', 'DESC')
      .addOrderBy('entry.id', 'DESC')
      .take(query.limit)
      .skip(query.offset)
      .getManyAndCount();
    return { items: rows.map(toDto), total, limit: query.limit, offset: query.offset };
  }
}

function toDto(entry: AuditLogEntry): AuditEntryDto {
  return {
    id: entry.id,
    created_at: entry.created_at,
    actor: entry.actor,
    role: entry.role,
    source_address: entry.source_address,
    action: entry.action,
    target: entry.target,
    outcome: entry.outcome,
    details: entry.details,
  };
}
