import {
  computeSyncStatus,
  isOffline,
  type SyncPolicy,
  type SyncStatus,
  type SystemState,
} from '@pacman-sync/shared';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Not, Repository } from 'typeorm';

import { EventsService } from '../events/events.service';
import { Pool } from '../pools/pool.entity';
import { PackageStateEntity } from '../states/package-state.entity';
import { Endpoint } from './endpoint.entity';

interface PoolTarget {
  policy: SyncPolicy;
  target: SystemState | null;
}

function asSystemState(state: PackageStateEntity | null | undefined): SystemState | null {
  if (!state) return null;
  return {
    pacman_version: state.pacman_version,
    architecture: state.architecture,
    packages: state.state_data,
  };
}

/**
 * Keeps endpoints.sync_status true (DESIGN.md §3): recomputed on report, target change and policy change,
 * `offline` decided from last_seen, and every change published as an `endpoint.status` event.
 */
@Injectable()
export class EndpointStatusService {
  constructor(
    @InjectRepository(Endpoint) private readonly endpoints: Repository<Endpoint>,
    @InjectRepository(Pool) private readonly pools: Repository<Pool>,
    @InjectRepository(PackageStateEntity) private readonly states: Repository<PackageStateEntity>,
    private readonly events: EventsService,
  ) {}

  /** The status to show now: a stored status goes stale when the endpoint stops reporting. */
  effectiveStatus(
    endpoint: Pick<Endpoint, 'sync_status' | 'last_seen' | 'report_interval'>,
    now = new Date(),
  ): SyncStatus {
    return isOffline(endpoint.last_seen, now, endpoint.report_interval) ? 'offline' : endpoint.sync_status;
  }

  async loadPoolTarget(poolId: string | null): Promise<PoolTarget | null> {
    if (poolId === null) return null;
    const pool = await this.pools.findOne({ where: { id: poolId }, select: { id: true, sync_policy: true } });
    if (!pool) return null;
    const target = await this.states.findOne({ where: { pool_id: poolId, is_target: true } });
    return { policy: pool.sync_policy, target: asSystemState(target) };
  }

  /** Recomputes one endpoint; `poolTarget` lets a caller that already loaded it skip the query. */
  async recompute(endpoint: Endpoint, poolTarget?: PoolTarget | null, now = new Date()): Promise<SyncStatus> {
    let status: SyncStatus;
    if (isOffline(endpoint.last_seen, now, endpoint.report_interval)) {
      status = 'offline';
    } else {
      const context = poolTarget !== undefined ? poolTarget : await this.loadPoolTarget(endpoint.pool_id);
      const latest = endpoint.latest_state_id
        ? await this.states.findOne({ where: { id: endpoint.latest_state_id } })
        : null;
      status = context ? computeSyncStatus(asSystemState(latest), context.target, context.policy) : 'unknown';
    }
    await this.setStatus(endpoint, status);
    return status;
  }

  async recomputePool(poolId: string): Promise<void> {
    const poolTarget = await this.loadPoolTarget(poolId);
    const members = await this.endpoints.find({ where: { pool_id: poolId } });
    for (const endpoint of members) await this.recompute(endpoint, poolTarget);
  }

  /** Marks endpoints offline that stopped reporting; the maintenance job calls it periodically. */
  async markOffline(now = new Date()): Promise<number> {
    const candidates = await this.endpoints.find({
      where: { sync_status: Not('offline'), last_seen: Not(IsNull()) },
      select: { id: true, pool_id: true, last_seen: true, report_interval: true, sync_status: true },
    });
    const stale = candidates.filter((endpoint) =>
      isOffline(endpoint.last_seen, now, endpoint.report_interval),
    );
    for (const endpoint of stale) await this.setStatus(endpoint, 'offline');
    return stale.length;
  }

  /** Sets `unknown` on endpoints that left a pool (the pool was deleted). */
  async resetToUnknown(endpointIds: string[]): Promise<void> {
    if (endpointIds.length === 0) return;
    const members = await this.endpoints.find({ where: { id: In(endpointIds) } });
    for (const endpoint of members) await this.setStatus(endpoint, 'unknown');
  }

  private async setStatus(endpoint: Pick<Endpoint, 'id' | 'pool_id' | 'sync_status'>, status: SyncStatus) {
    if (endpoint.sync_status === status) return;
    const previous = endpoint.sync_status;
    await this.endpoints.update({ id: endpoint.id }, { sync_status: status });
    endpoint.sync_status = status;
    this.events.publish('endpoint.status', {
      endpoint_id: endpoint.id,
      pool_id: endpoint.pool_id,
      sync_status: status,
      previous_status: previous,
    });
  }
}
