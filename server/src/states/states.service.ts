import { stateContentHash, type SyncStatus, type SystemState } from '@pacman-sync/shared';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, IsNull, Repository } from 'typeorm';

import { ApiException, FieldError } from '../common/errors/api.exception';
import { ErrorCode } from '../common/errors/error-code';
import { LARGE_LIST_ITEMS, yieldToEventLoop } from '../common/event-loop';
import { PaginationQueryDto } from '../common/pagination.dto';
import { nodeSha256Hex } from '../common/sha256';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { EndpointStatusService } from '../endpoints/endpoint-status.service';
import { Endpoint } from '../endpoints/endpoint.entity';
import { EndpointsService } from '../endpoints/endpoints.service';
import { SyncOperation } from '../sync/sync-operation.entity';
import { StateDto, StateSummaryPageDto } from './dto/state.dto';
import { StateReportDto, StateReportResultDto } from './dto/state-report.dto';
import { PackageStateEntity } from './package-state.entity';
import { STATE_SUMMARY_COLUMNS, toStateDto, toStateSummary } from './state.mapper';

@Injectable()
export class StatesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(PackageStateEntity) private readonly states: Repository<PackageStateEntity>,
    @InjectRepository(Endpoint) private readonly endpointRows: Repository<Endpoint>,
    @InjectRepository(SyncOperation) private readonly operations: Repository<SyncOperation>,
    private readonly endpoints: EndpointsService,
    private readonly status: EndpointStatusService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async get(id: string): Promise<StateDto> {
    const state = await this.states.findOne({ where: { id } });
    if (!state) throw ApiException.notFound('State', id);
    return toStateDto(state);
  }

  async findOrFail(id: string): Promise<PackageStateEntity> {
    const state = await this.states.findOne({ where: { id } });
    if (!state) throw ApiException.notFound('State', id);
    return state;
  }

  async history(endpointId: string, page: PaginationQueryDto): Promise<StateSummaryPageDto> {
    await this.endpoints.findOrFail(endpointId);
    const [states, total] = await this.states.findAndCount({
      where: { endpoint_id: endpointId },
      select: STATE_SUMMARY_COLUMNS,
      order: { created_at: 'DESC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items: states.map(toStateSummary), total, limit: page.limit, offset: page.offset };
  }

  async report(endpointId: string, report: StateReportDto): Promise<StateReportResultDto> {
    const now = new Date();
    if (report.packages === undefined && report.content_hash !== undefined) {
      const answered = await this.checkIn(endpointId, report.content_hash, now);
      if (answered) return answered;
    }
    const endpoint = await this.endpoints.findOrFail(endpointId);
    const latest = endpoint.latest_state_id ? await this.snapshotHash(endpoint.latest_state_id) : null;

    if (report.packages === undefined) {
      if (!latest || latest.content_hash !== report.content_hash) {
        return {
          known: false,
          changed: false,
          state_id: null,
          sync_status: this.status.effectiveStatus(endpoint, now),
        };
      }
      return this.recordUnchanged(endpoint, latest.id, now);
    }

    const state: SystemState = {
      pacman_version: report.pacman_version!,
      architecture: report.architecture!,
      packages: report.packages.map((pkg) => ({
        package_name: pkg.package_name,
        version: pkg.version,
        repository: pkg.repository,
        installed_size: pkg.installed_size,
        dependencies: pkg.dependencies,
        install_reason: pkg.install_reason,
      })),
    };
    const large = state.packages.length >= LARGE_LIST_ITEMS;
    if (large) await yieldToEventLoop();
    assertUniquePackageNames(state);
    const contentHash = stateContentHash(state, nodeSha256Hex);
    if (large) await yieldToEventLoop();
    if (report.content_hash !== undefined && report.content_hash !== contentHash) {
      throw ApiException.validation('Invalid request: content_hash does not match the packages', [
        {
          field: 'content_hash',
          messages: [`content_hash does not match the reported packages (${contentHash})`],
        },
      ]);
    }
    if (latest && latest.content_hash === contentHash) return this.recordUnchanged(endpoint, latest.id, now);

    // insert(), not save(): save() deep-merges and diffs the 1,500 packages it was just given.
    const inserted = await this.states.insert({
      pool_id: endpoint.pool_id,
      endpoint_id: endpoint.id,
      state_data: state.packages,
      content_hash: contentHash,
      pacman_version: state.pacman_version,
      architecture: state.architecture,
      package_count: state.packages.length,
      is_target: false,
      set_at: null,
      set_by: null,
      created_at: now,
    });
    const snapshotId = inserted.identifiers[0].id as string;
    await this.endpointRows.update({ id: endpoint.id }, { latest_state_id: snapshotId, last_seen: now });
    endpoint.latest_state_id = snapshotId;
    endpoint.last_seen = now;
    await this.linkCompletedOperations(endpoint.id, snapshotId);
    const syncStatus = await this.status.recompute(endpoint, undefined, now, state);
    if (this.config.autoCleanupOldStates) await this.cleanupEndpoint(endpoint.id);
    return { known: true, changed: true, state_id: snapshotId, sync_status: syncStatus };
  }

  /**
   * AUTO_CLEANUP_OLD_STATES: keeps the latest N snapshots of an endpoint and every snapshot that is or was
   * a pool target, is an endpoint's latest, or that a revert or an open operation still needs.
   */
  async cleanupEndpoint(endpointId: string): Promise<number> {
    const keep = this.config.keepStatesPerEndpoint;
    const candidates = await this.states.find({
      where: { endpoint_id: endpointId, is_target: false, set_at: IsNull() },
      select: { id: true },
      order: { created_at: 'DESC', id: 'ASC' },
      skip: keep,
      take: 10000,
    });
    if (candidates.length === 0) return 0;
    const protectedIds = await this.protectedStateIds(endpointId);
    const doomed = candidates.map((state) => state.id).filter((id) => !protectedIds.has(id));
    if (doomed.length === 0) return 0;
    await this.states.delete({ id: In(doomed) });
    return doomed.length;
  }

  /** Endpoints with more snapshots than the cleanup keeps; the maintenance job sweeps them. */
  async cleanupAll(): Promise<number> {
    const rows: Array<{ endpoint_id: string }> = await this.states
      .createQueryBuilder('state')
      .select('state.endpoint_id', 'endpoint_id')
      .where('state.endpoint_id IS NOT NULL')
      .groupBy('state.endpoint_id')
      .having('COUNT(*) > :keep', { keep: this.config.keepStatesPerEndpoint })
      .getRawMany();
    let removed = 0;
    for (const row of rows) removed += await this.cleanupEndpoint(row.endpoint_id);
    return removed;
  }

  private async protectedStateIds(endpointId: string): Promise<Set<string>> {
    const ids = new Set<string>();
    const endpoint = await this.endpointRows.findOne({
      where: { id: endpointId },
      select: { id: true, latest_state_id: true },
    });
    if (endpoint?.latest_state_id) ids.add(endpoint.latest_state_id);
    // A revert goes back to the before-state of the last completed sync/revert; open operations still
    // need their before-state (a later revert) and their target.
    const lastCompleted = await this.operations.findOne({
      where: { endpoint_id: endpointId, status: 'completed', operation_type: In(['sync', 'revert']) },
      order: { completed_at: 'DESC', created_at: 'DESC' },
      select: { id: true, before_state_id: true },
    });
    if (lastCompleted?.before_state_id) ids.add(lastCompleted.before_state_id);
    const open = await this.operations.find({
      where: { endpoint_id: endpointId, status: In(['pending', 'in_progress']) },
      select: { id: true, before_state_id: true, target_state_id: true },
    });
    for (const operation of open) {
      if (operation.before_state_id) ids.add(operation.before_state_id);
      if (operation.target_state_id) ids.add(operation.target_state_id);
    }
    return ids;
  }

  private async recordUnchanged(
    endpoint: Endpoint,
    stateId: string,
    now: Date,
  ): Promise<StateReportResultDto> {
    await this.endpointRows.update({ id: endpoint.id }, { last_seen: now });
    const wasOffline = endpoint.sync_status === 'offline' || endpoint.sync_status === 'unknown';
    endpoint.last_seen = now;
    await this.linkCompletedOperations(endpoint.id, stateId);
    const syncStatus = wasOffline
      ? await this.status.recompute(endpoint, undefined, now)
      : endpoint.sync_status;
    return { known: true, changed: false, state_id: stateId, sync_status: syncStatus };
  }

  /**
   * The hash-only check-in of an unchanged endpoint, the fleet's most frequent request: one UPDATE that
   * only matches when the hash is the endpoint's latest snapshot, returning what the answer needs. Null
   * when it did not match (unknown endpoint or hash), so the caller takes the general path.
   */
  private async checkIn(
    endpointId: string,
    contentHash: string,
    now: Date,
  ): Promise<StateReportResultDto | null> {
    const isPostgres = this.dataSource.options.type === 'postgres';
    const param = (index: number) => (isPostgres ? `$${index}` : '?');
    const lastSeenColumn = this.endpointRows.metadata.findColumnWithPropertyName('last_seen')!;
    const timestamp = this.dataSource.driver.preparePersistentValue(now, lastSeenColumn) as unknown;
    const runner = this.dataSource.createQueryRunner();
    let rows: CheckInRow[];
    try {
      const result = await runner.query(
        `UPDATE endpoints SET last_seen = ${param(1)}, updated_at = ${param(2)}
         WHERE id = ${param(3)} AND EXISTS (
           SELECT 1 FROM ${this.snapshotHashes()} WHERE s.id = endpoints.latest_state_id AND s.content_hash = ${param(4)})
         RETURNING latest_state_id, sync_status, EXISTS (
           SELECT 1 FROM sync_operations o WHERE o.endpoint_id = endpoints.id AND o.status = 'completed'
             AND o.after_state_id IS NULL AND o.operation_type IN ('sync', 'revert')) AS operation_waits`,
        [timestamp, timestamp, endpointId, contentHash],
        true,
      );
      rows = (result.records ?? []) as CheckInRow[];
    } finally {
      await runner.release();
    }
    if (rows.length === 0) return null;
    const [{ latest_state_id: stateId, sync_status: syncStatus, operation_waits: operationWaits }] = rows;
    const wasOffline = syncStatus === 'offline' || syncStatus === 'unknown';
    // SQLite answers EXISTS with 0/1, PostgreSQL with a boolean.
    if (!wasOffline && !operationWaits)
      return { known: true, changed: false, state_id: stateId, sync_status: syncStatus };
    const endpoint = await this.endpoints.findOrFail(endpointId);
    return this.recordUnchanged(endpoint, stateId, now);
  }

  /**
   * package_states as `s`, read through the covering (id, content_hash) index: SQLite's planner would
   * otherwise take the primary key and walk the packages' overflow pages to reach content_hash, which is
   * stored after them. PostgreSQL keeps large JSON out of line and picks well by itself.
   */
  private snapshotHashes(): string {
    return this.dataSource.options.type === 'postgres'
      ? 'package_states s'
      : 'package_states s INDEXED BY IDX_package_states_id_content_hash';
  }

  private async snapshotHash(id: string): Promise<{ id: string; content_hash: string } | null> {
    const placeholder = this.dataSource.options.type === 'postgres' ? '$1' : '?';
    const rows = (await this.dataSource.query(
      `SELECT s.id, s.content_hash FROM ${this.snapshotHashes()} WHERE s.id = ${placeholder}`,
      [id],
    )) as Array<{ id: string; content_hash: string }>;
    return rows[0] ?? null;
  }

  /** The first report after an operation completed is its after-state. */
  private async linkCompletedOperations(endpointId: string, stateId: string): Promise<void> {
    await this.operations.update(
      {
        endpoint_id: endpointId,
        status: 'completed',
        after_state_id: IsNull(),
        operation_type: In(['sync', 'revert']),
      },
      { after_state_id: stateId },
    );
  }
}

interface CheckInRow {
  latest_state_id: string;
  sync_status: SyncStatus;
  operation_waits: boolean | number;
}

function assertUniquePackageNames(state: SystemState): void {
  const seen = new Map<string, number>();
  const problems: FieldError[] = [];
  state.packages.forEach((pkg, index) => {
    const first = seen.get(pkg.package_name);
    if (first !== undefined) {
      problems.push({
        field: `packages.${index}.package_name`,
        messages: [`package "${pkg.package_name}" is listed twice (also at packages.${first})`],
      });
    } else seen.set(pkg.package_name, index);
  });
  if (problems.length > 0) {
    throw new ApiException(ErrorCode.VALIDATION_ERROR, 'Invalid request: duplicate package names', {
      fields: problems.slice(0, 100),
    });
  }
}
