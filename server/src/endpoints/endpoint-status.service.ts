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

const TARGET_CACHE_ENTRIES = 32;

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
  private readonly targetStates = new Map<string, SystemState>();

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
    return { policy: pool.sync_policy, target: await this.loadTarget(pool.id) };
  }

  /** The pool's current target, its packages parsed once per snapshot (see loadTargetState). */
  async loadTarget(poolId: string): Promise<SystemState | null> {
    const target = await this.states.findOne({
      where: { pool_id: poolId, is_target: true },
      select: { id: true },
    });
    return target ? this.loadTargetState(target.id) : null;
  }

  /**
   * Recomputes one endpoint; `poolTarget` lets a caller that already loaded it skip the query, and
   * `latest` is the endpoint's latest snapshot when the caller has it in hand (it just stored it).
   */
  async recompute(
    endpoint: Endpoint,
    poolTarget?: PoolTarget | null,
    now = new Date(),
    latest?: SystemState,
  ): Promise<SyncStatus> {
    let status: SyncStatus;
    if (isOffline(endpoint.last_seen, now, endpoint.report_interval)) {
      status = 'offline';
    } else {
      const context = poolTarget !== undefined ? poolTarget : await this.loadPoolTarget(endpoint.pool_id);
      const latestState =
        latest ??
        (endpoint.latest_state_id
          ? asSystemState(await this.states.findOne({ where: { id: endpoint.latest_state_id } }))
          : null);
      status = context ? computeSyncStatus(latestState, context.target, context.policy) : 'unknown';
    }
    await this.setStatus(endpoint, status);
    return status;
  }

  async recomputePool(poolId: string): Promise<void> {
    const poolTarget = await this.loadPoolTarget(poolId);
    const members = await this.endpoints.find({ where: { pool_id: poolId } });
    for (const endpoint of members) await this.recompute(endpoint, poolTarget);
  }

  /**
   * A target's packages, parsed once per snapshot id: every changed report of a pool compares against
   * the same target, and re-reading its JSON each time was a fifth of a report's cost. Keyed by the
   * snapshot's id, whose packages never change after insert, so the cache is right on every instance
   * whichever snapshot is the target now; a few entries cover the pools reporting at once.
   */
  private async loadTargetState(stateId: string): Promise<SystemState | null> {
    const cached = this.targetStates.get(stateId);
    if (cached) {
      // Map order is insertion order: re-inserting keeps the most recently used last.
      this.targetStates.delete(stateId);
      this.targetStates.set(stateId, cached);
      return cached;
    }
    const state = asSystemState(await this.states.findOne({ where: { id: stateId } }));
    if (!state) return null;
    this.targetStates.set(stateId, state);
    if (this.targetStates.size > TARGET_CACHE_ENTRIES) {
      this.targetStates.delete(this.targetStates.keys().next().value!);
    }
    return state;
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
