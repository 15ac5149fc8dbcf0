import {
  DEFAULT_SYNC_POLICY,
  planSync,
  type SyncPlan,
  type SyncPolicy,
  type SystemState,
} from '@pacman-sync/shared';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';

import { AuditService } from '../audit/audit.service';
import { actorOf, type Principal } from '../auth/principal';
import { isUniqueViolation } from '../common/database-errors';
import { ApiException } from '../common/errors/api.exception';
import { ErrorCode } from '../common/errors/error-code';
import { inTransaction, lockRow } from '../database/transactions';
import { EndpointStatusService } from '../endpoints/endpoint-status.service';
import { Endpoint } from '../endpoints/endpoint.entity';
import { EndpointsService } from '../endpoints/endpoints.service';
import { EventsService } from '../events/events.service';
import { Pool } from '../pools/pool.entity';
import { RepositoriesService } from '../repositories/repositories.service';
import { PackageStateEntity } from '../states/package-state.entity';
import { OperationDto } from './dto/operation.dto';
import { EndpointPlanDto, PlanKind } from './dto/plan.dto';
import { toOperationDto } from './operation.mapper';
import { OperationsService } from './operations.service';
import { ACTIVE_OPERATION_INDEX, SyncOperation } from './sync-operation.entity';

interface PlannedChange {
  endpoint: Endpoint;
  pool: Pool | null;
  policy: SyncPolicy;
  current: PackageStateEntity | null;
  wanted: PackageStateEntity;
  plan: SyncPlan;
}

function asSystemState(state: PackageStateEntity): SystemState {
  return {
    pacman_version: state.pacman_version,
    architecture: state.architecture,
    packages: state.state_data,
  };
}

/** Who asked for an operation the server created by itself; the client keys on this exact value. */
const AUTO_SYNC_ACTOR = 'auto_sync';

type EndpointAction = 'sync' | 'set-latest' | 'revert';

/** Sync, set-latest and revert (DESIGN.md §3 "Target", "Sync plan", "Operations", "Revert"). */
@Injectable()
export class SyncService {
  private readonly logger = new Logger(SyncService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(SyncOperation) private readonly operationRows: Repository<SyncOperation>,
    @InjectRepository(PackageStateEntity) private readonly states: Repository<PackageStateEntity>,
    @InjectRepository(Endpoint) private readonly endpointRows: Repository<Endpoint>,
    @InjectRepository(Pool) private readonly pools: Repository<Pool>,
    private readonly endpoints: EndpointsService,
    private readonly status: EndpointStatusService,
    private readonly repositories: RepositoriesService,
    private readonly operations: OperationsService,
    private readonly events: EventsService,
    private readonly audit: AuditService,
  ) {}

  async plan(endpointId: string, kind: PlanKind): Promise<EndpointPlanDto> {
    const endpoint = await this.endpoints.findOrFail(endpointId);
    const change = kind === 'revert' ? await this.planRevert(endpoint) : await this.planSync(endpoint);
    return {
      endpoint_id: endpoint.id,
      pool_id: endpoint.pool_id,
      kind,
      current_state_id: change.current?.id ?? null,
      target_state_id: change.wanted.id,
      plan: change.plan,
    };
  }

  async sync(endpointId: string, principal: Principal): Promise<OperationDto> {
    const endpoint = await this.endpoints.findOrFail(endpointId);
    await this.assertEndpointMayAct(endpoint, principal, 'sync');
    return this.createOperation('sync', await this.planSync(endpoint), actorOf(principal));
  }

  async revert(endpointId: string, principal: Principal): Promise<OperationDto> {
    const endpoint = await this.endpoints.findOrFail(endpointId);
    await this.assertEndpointMayAct(endpoint, principal, 'revert');
    return this.createOperation('revert', await this.planRevert(endpoint), actorOf(principal));
  }

  /** Makes the endpoint's latest snapshot its pool's target; logged as a completed set_latest operation. */
  async setLatest(endpointId: string, principal: Principal): Promise<OperationDto> {
    const endpoint = await this.endpoints.findOrFail(endpointId);
    await this.assertEndpointMayAct(endpoint, principal, 'set-latest');
    const requestedBy = actorOf(principal);
    if (!endpoint.pool_id) {
      throw ApiException.conflict(`Endpoint ${endpoint.id} is in no pool: assign it to one first`, {
        endpoint_id: endpoint.id,
      });
    }
    if (!endpoint.latest_state_id) {
      throw ApiException.conflict(`Endpoint ${endpoint.id} has not reported a state yet`, {
        endpoint_id: endpoint.id,
      });
    }
    const poolId = endpoint.pool_id;
    const now = new Date();
    let operation: SyncOperation;
    let previousTargetId: string | null = null;
    try {
      operation = await inTransaction(this.dataSource, async (manager) => {
        // Target changes of one pool run one after another: two of them locking the old and the new
        // target rows in opposite orders deadlocked on PostgreSQL.
        if (!(await lockRow(manager, Pool, poolId))) {
          throw ApiException.conflict(`Pool ${poolId} was deleted meanwhile`, { pool_id: poolId });
        }
        let latest = await manager.findOneOrFail(PackageStateEntity, {
          where: { id: endpoint.latest_state_id! },
        });
        if (latest.pool_id !== poolId) {
          // Reported while in another pool. Snapshots are never edited, so the pool gets its own copy.
          latest = await manager.save(
            manager.create(PackageStateEntity, {
              ...latest,
              id: undefined,
              pool_id: poolId,
              is_target: false,
              set_at: null,
              set_by: null,
              created_at: now,
            }),
          );
          await manager.update(Endpoint, { id: endpoint.id }, { latest_state_id: latest.id });
        }
        const previous = await manager.findOne(PackageStateEntity, {
          where: { pool_id: poolId, is_target: true },
          select: { id: true },
        });
        previousTargetId = previous?.id ?? null;
        if (previous && previous.id !== latest.id) {
          await manager.update(PackageStateEntity, { id: previous.id }, { is_target: false });
        }
        await manager.update(
          PackageStateEntity,
          { id: latest.id },
          { is_target: true, set_at: now, set_by: requestedBy },
        );
        return manager.save(
          manager.create(SyncOperation, {
            pool_id: poolId,
            endpoint_id: endpoint.id,
            operation_type: 'set_latest',
            status: 'completed',
            details: { requested_by: requestedBy, previous_target_state_id: previousTargetId },
            before_state_id: latest.id,
            after_state_id: latest.id,
            target_state_id: latest.id,
            error: null,
            claimed_at: now,
            completed_at: now,
            created_at: now,
          }),
        );
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw ApiException.conflict('The pool target changed at the same moment; try again', {
          pool_id: poolId,
        });
      }
      throw error;
    }
    this.operations.publish(operation);
    this.events.publish('pool.target_changed', {
      pool_id: poolId,
      target_state_id: operation.target_state_id,
      previous_target_state_id: previousTargetId,
      set_by: requestedBy,
      set_at: now.toISOString(),
    });
    await this.status.recomputePool(poolId);
    await this.autoSync(poolId, endpoint.id);
    return toOperationDto(operation);
  }

  /**
   * DESIGN.md §5: an endpoint acts on itself only "if the pool allows" (sync_policy.allow_endpoint_actions),
   * and sets the pool's target only where sync_policy.allow_endpoint_set_latest also says so. The access
   * declaration has already limited an endpoint token to its own endpoint.
   */
  private async assertEndpointMayAct(
    endpoint: Endpoint,
    principal: Principal,
    action: EndpointAction,
  ): Promise<void> {
    if (principal.kind !== 'endpoint' || !endpoint.pool_id) return;
    const pool = await this.pools.findOne({
      where: { id: endpoint.pool_id },
      select: { id: true, sync_policy: true },
    });
    if (!pool) return;
    const setting = !pool.sync_policy.allow_endpoint_actions
      ? 'allow_endpoint_actions'
      : action === 'set-latest' && !pool.sync_policy.allow_endpoint_set_latest
        ? 'allow_endpoint_set_latest'
        : null;
    if (setting) {
      throw new ApiException(
        ErrorCode.FORBIDDEN,
        `Pool ${pool.id} does not let its endpoints ${action} themselves (sync_policy.${setting} ` +
          'is false): ask an administrator, or use the console or a CI token',
        { pool_id: pool.id, endpoint_id: endpoint.id, action, setting },
      );
    }
  }

  /** auto_sync: a sync operation for every other endpoint of the pool that is not in sync already. */
  private async autoSync(poolId: string, sourceEndpointId: string): Promise<void> {
    const pool = await this.pools.findOne({ where: { id: poolId } });
    if (!pool?.sync_policy.auto_sync) return;
    const others = await this.endpointRows.find({ where: { pool_id: poolId } });
    for (const endpoint of others) {
      if (endpoint.id === sourceEndpointId || endpoint.sync_status === 'in_sync') continue;
      try {
        const operation = await this.createOperation('sync', await this.planSync(endpoint), AUTO_SYNC_ACTOR);
        await this.audit.recordSystem('autoSyncEndpoint', `/api/endpoints/${endpoint.id}/sync`, {
          operation_id: operation.id,
          pool_id: poolId,
          target_state_id: operation.target_state_id,
          source_endpoint_id: sourceEndpointId,
        });
      } catch (error) {
        // One endpoint that cannot sync now (busy, conflicts, nothing reported) must not stop the others.
        if (!(error instanceof ApiException)) throw error;
        this.logger.warn({
          msg: 'auto_sync skipped an endpoint',
          endpoint_id: endpoint.id,
          reason: error.message,
        });
      }
    }
  }

  private async planSync(endpoint: Endpoint): Promise<PlannedChange> {
    if (!endpoint.pool_id) {
      throw ApiException.conflict(`Endpoint ${endpoint.id} is in no pool, so it has no target`, {
        endpoint_id: endpoint.id,
      });
    }
    const pool = await this.pools.findOneOrFail({ where: { id: endpoint.pool_id } });
    const wanted = await this.states.findOne({ where: { pool_id: pool.id, is_target: true } });
    if (!wanted) {
      throw ApiException.conflict(`Pool ${pool.id} has no target yet: set one with set-latest`, {
        pool_id: pool.id,
      });
    }
    const current = endpoint.latest_state_id
      ? await this.states.findOne({ where: { id: endpoint.latest_state_id } })
      : null;
    const offer = await this.repositories.offerFor(endpoint);
    const plan = planSync(
      current ? asSystemState(current) : null,
      asSystemState(wanted),
      pool.sync_policy,
      offer,
    );
    return { endpoint, pool, policy: pool.sync_policy, current, wanted, plan };
  }

  private async planRevert(endpoint: Endpoint): Promise<PlannedChange> {
    const last = await this.operationRows.findOne({
      where: { endpoint_id: endpoint.id, status: 'completed', operation_type: In(['sync', 'revert']) },
      order: { completed_at: 'DESC', created_at: 'DESC' },
    });
    if (!last) {
      throw ApiException.conflict(`Endpoint ${endpoint.id} has no completed sync or revert to go back from`, {
        endpoint_id: endpoint.id,
      });
    }
    const wanted = last.before_state_id
      ? await this.states.findOne({ where: { id: last.before_state_id } })
      : null;
    if (!wanted) {
      throw ApiException.conflict(`The state before operation ${last.id} is no longer stored`, {
        operation_id: last.id,
      });
    }
    const pool = endpoint.pool_id ? await this.pools.findOne({ where: { id: endpoint.pool_id } }) : null;
    const policy = pool?.sync_policy ?? DEFAULT_SYNC_POLICY;
    const current = endpoint.latest_state_id
      ? await this.states.findOne({ where: { id: endpoint.latest_state_id } })
      : null;
    const offer = await this.repositories.offerFor(endpoint);
    const installedByLast = ((last.details?.plan as SyncPlan | undefined)?.install ?? []).map(
      (item) => item.package_name,
    );
    const plan = planSync(current ? asSystemState(current) : null, asSystemState(wanted), policy, offer, {
      alsoRemove: installedByLast,
    });
    return { endpoint, pool, policy, current, wanted, plan };
  }

  private async createOperation(
    type: 'sync' | 'revert',
    change: PlannedChange,
    requestedBy: string,
  ): Promise<OperationDto> {
    const { endpoint, plan, policy } = change;
    if (policy.conflict_resolution === 'manual' && plan.unavailable.length > 0) {
      throw ApiException.syncConflict(
        `Cannot ${type}: ${plan.unavailable.length} wanted package version(s) are not available to this endpoint`,
        {
          conflicting_packages: plan.unavailable.map((item) => item.package_name),
          unavailable: plan.unavailable,
          suggested_action: 'resolve_manually',
        },
      );
    }
    let operation: SyncOperation;
    try {
      operation = await this.operationRows.save(
        this.operationRows.create({
          pool_id: endpoint.pool_id,
          endpoint_id: endpoint.id,
          operation_type: type,
          status: 'pending',
          details: { requested_by: requestedBy, plan },
          before_state_id: change.current?.id ?? null,
          after_state_id: null,
          target_state_id: change.wanted.id,
          error: null,
          claimed_at: null,
          completed_at: null,
          // Set here rather than by the column default: SQLite's datetime('now') has only second precision.
          created_at: new Date(),
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error, ACTIVE_OPERATION_INDEX)) {
        const active = await this.operationRows.findOne({
          where: {
            endpoint_id: endpoint.id,
            status: In(['pending', 'in_progress']),
            operation_type: In(['sync', 'revert']),
          },
          select: { id: true, status: true, operation_type: true },
        });
        throw ApiException.syncConflict(
          `Endpoint ${endpoint.id} already has a sync or revert pending or in progress`,
          {
            endpoint_id: endpoint.id,
            active_operation_id: active?.id ?? null,
            active_status: active?.status ?? null,
          },
        );
      }
      throw error;
    }
    this.operations.publish(operation);
    return toOperationDto(operation);
  }
}
