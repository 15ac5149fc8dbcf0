import { type OperationStatus } from '@pacman-sync/shared';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FindOptionsWhere, In, LessThan, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

import { AuditService } from '../audit/audit.service';
import { ApiException } from '../common/errors/api.exception';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { EventsService } from '../events/events.service';
import { ListOperationsQueryDto, OperationDto, OperationPageDto } from './dto/operation.dto';
import { OperationCompleteDto, OperationFailDto, OperationProgressDto } from './dto/operation-report.dto';
import { toOperationDto, toOperationEvent } from './operation.mapper';
import { SyncOperation } from './sync-operation.entity';

/**
 * The operation lifecycle pending → in_progress → completed | failed | cancelled. Every transition is one
 * conditional UPDATE (… WHERE status IN (allowed)), so two clients or two server instances racing on the
 * same operation cannot both win: the loser sees 0 affected rows and gets 409.
 */
@Injectable()
export class OperationsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(SyncOperation) private readonly operations: Repository<SyncOperation>,
    private readonly events: EventsService,
    private readonly audit: AuditService,
  ) {}

  async list(query: ListOperationsQueryDto): Promise<OperationPageDto> {
    const where: FindOptionsWhere<SyncOperation> = {};
    if (query.endpoint_id) where.endpoint_id = query.endpoint_id;
    if (query.pool_id) where.pool_id = query.pool_id;
    if (query.status) where.status = query.status;
    const [rows, total] = await this.operations.findAndCount({
      where,
      order: { created_at: 'DESC', id: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
    return { items: rows.map(toOperationDto), total, limit: query.limit, offset: query.offset };
  }

  async get(id: string): Promise<OperationDto> {
    return toOperationDto(await this.findOrFail(id));
  }

  async findOrFail(id: string): Promise<SyncOperation> {
    const operation = await this.operations.findOne({ where: { id } });
    if (!operation) throw ApiException.notFound('Operation', id);
    return operation;
  }

  claim(id: string): Promise<OperationDto> {
    const now = new Date();
    return this.transition(id, ['pending'], { status: 'in_progress', claimed_at: now });
  }

  async progress(id: string, input: OperationProgressDto): Promise<OperationDto> {
    const operation = await this.findOrFail(id);
    if (operation.status !== 'in_progress') throw this.wrongStatus(operation, ['in_progress']);
    const details = { ...(operation.details ?? {}), progress: { ...input, at: new Date().toISOString() } };
    return this.transition(id, ['in_progress'], { details });
  }

  async complete(id: string, input: OperationCompleteDto): Promise<OperationDto> {
    const operation = await this.findOrFail(id);
    const details = { ...(operation.details ?? {}), result: { summary: input.summary ?? null } };
    return this.transition(id, ['in_progress'], { status: 'completed', completed_at: new Date(), details });
  }

  async fail(id: string, input: OperationFailDto): Promise<OperationDto> {
    const operation = await this.findOrFail(id);
    const details = { ...(operation.details ?? {}), result: { summary: input.summary ?? null } };
    return this.transition(id, ['pending', 'in_progress'], {
      status: 'failed',
      completed_at: new Date(),
      error: input.error,
      details,
    });
  }

  /** Only a pending operation can be cancelled: one in progress is running pacman on the endpoint. */
  cancel(id: string): Promise<OperationDto> {
    return this.transition(id, ['pending'], { status: 'cancelled', completed_at: new Date() });
  }

  /** Operations in progress past the timeout: the client died or lost the server; they fail. */
  async failTimedOut(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.operationTimeoutSeconds * 1000);
    const stale = await this.operations.find({
      where: { status: 'in_progress', claimed_at: LessThan(cutoff) },
      select: { id: true },
    });
    const error = `Timed out: no result ${this.config.operationTimeoutSeconds} s after it was claimed`;
    let failed = 0;
    for (const { id } of stale) {
      const result = await this.operations.update(
        { id, status: 'in_progress', claimed_at: LessThan(cutoff) },
        { status: 'failed', completed_at: now, error },
      );
      if (result.affected) {
        failed++;
        const operation = await this.findOrFail(id);
        this.publish(operation);
        await this.audit.recordSystem('timeoutOperation', `/api/operations/${id}`, {
          operation_id: id,
          endpoint_id: operation.endpoint_id,
          operation_type: operation.operation_type,
          claimed_at: operation.claimed_at?.toISOString() ?? null,
          error,
        });
      }
    }
    return failed;
  }

  publish(operation: SyncOperation): void {
    this.events.publish('operation.updated', toOperationEvent(operation));
  }

  private async transition(
    id: string,
    from: OperationStatus[],
    changes: Partial<Pick<SyncOperation, 'status' | 'claimed_at' | 'completed_at' | 'error' | 'details'>>,
  ): Promise<OperationDto> {
    // TypeORM's deep-partial type cannot express an arbitrary JSON object; the column takes it as is.
    const result = await this.operations.update(
      { id, status: In(from) },
      changes as QueryDeepPartialEntity<SyncOperation>,
    );
    const operation = await this.findOrFail(id);
    if (!result.affected) throw this.wrongStatus(operation, from);
    this.publish(operation);
    return toOperationDto(operation);
  }

  private wrongStatus(operation: SyncOperation, allowed: OperationStatus[]): ApiException {
    return ApiException.syncConflict(
      `Operation ${operation.id} is ${operation.status}; this needs it ${allowed.join(' or ')}`,
      { operation_id: operation.id, status: operation.status, allowed_statuses: allowed },
    );
  }
}
