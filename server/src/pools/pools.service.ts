import { DEFAULT_SYNC_POLICY, type SyncPolicy } from '@pacman-sync/shared';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Not, Repository } from 'typeorm';

import { isUniqueViolation } from '../common/database-errors';
import { ApiException } from '../common/errors/api.exception';
import { ErrorCode } from '../common/errors/error-code';
import { PaginationQueryDto } from '../common/pagination.dto';
import { EndpointStatusService } from '../endpoints/endpoint-status.service';
import { Endpoint } from '../endpoints/endpoint.entity';
import { PackageStateEntity } from '../states/package-state.entity';
import { STATE_SUMMARY_COLUMNS, toStateDto, toStateSummary } from '../states/state.mapper';
import { StateDto, StateSummaryPageDto } from '../states/dto/state.dto';
import { CreatePoolDto } from './dto/create-pool.dto';
import { PoolDto, PoolPageDto } from './dto/pool.dto';
import { SyncPolicyInputDto } from './dto/sync-policy.dto';
import { UpdatePoolDto } from './dto/update-pool.dto';
import { Pool } from './pool.entity';

function mergePolicy(base: SyncPolicy, input: SyncPolicyInputDto | undefined): SyncPolicy {
  return {
    auto_sync: input?.auto_sync ?? base.auto_sync,
    exclude_packages: input?.exclude_packages ?? [...base.exclude_packages],
    include_aur: input?.include_aur ?? base.include_aur,
    remove_extra: input?.remove_extra ?? base.remove_extra,
    conflict_resolution: input?.conflict_resolution ?? base.conflict_resolution,
    allow_endpoint_actions: input?.allow_endpoint_actions ?? base.allow_endpoint_actions,
    allow_endpoint_set_latest: input?.allow_endpoint_set_latest ?? base.allow_endpoint_set_latest,
    override_holds: input?.override_holds ?? [...base.override_holds],
  };
}

@Injectable()
export class PoolsService {
  constructor(
    @InjectRepository(Pool) private readonly pools: Repository<Pool>,
    @InjectRepository(Endpoint) private readonly endpoints: Repository<Endpoint>,
    @InjectRepository(PackageStateEntity) private readonly states: Repository<PackageStateEntity>,
    private readonly status: EndpointStatusService,
  ) {}

  async list(page: PaginationQueryDto): Promise<PoolPageDto> {
    const [pools, total] = await this.pools.findAndCount({
      order: { created_at: 'ASC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items: await this.toDtos(pools), total, limit: page.limit, offset: page.offset };
  }

  async get(id: string): Promise<PoolDto> {
    return (await this.toDtos([await this.findOrFail(id)]))[0];
  }

  async findOrFail(id: string): Promise<Pool> {
    const pool = await this.pools.findOne({ where: { id } });
    if (!pool) throw ApiException.notFound('Pool', id);
    return pool;
  }

  async create(input: CreatePoolDto): Promise<PoolDto> {
    const pool = this.pools.create({
      name: input.name,
      description: input.description ?? null,
      sync_policy: mergePolicy(DEFAULT_SYNC_POLICY, input.sync_policy),
      // Set here rather than by the column default: SQLite's datetime('now') has only second precision.
      created_at: new Date(),
    });
    await this.saveNamed(pool);
    return this.get(pool.id);
  }

  async update(id: string, input: UpdatePoolDto): Promise<PoolDto> {
    const pool = await this.findOrFail(id);
    const policyBefore = JSON.stringify(pool.sync_policy);
    if (input.name !== undefined) pool.name = input.name;
    if (input.description !== undefined) pool.description = input.description;
    if (input.sync_policy !== undefined) pool.sync_policy = mergePolicy(pool.sync_policy, input.sync_policy);
    await this.saveNamed(pool);
    if (JSON.stringify(pool.sync_policy) !== policyBefore) await this.status.recomputePool(id);
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    await this.findOrFail(id);
    const members = await this.endpoints.find({ where: { pool_id: id }, select: { id: true } });
    // The foreign keys unassign endpoints and detach snapshots; the snapshots stay as endpoint history.
    await this.states.update({ pool_id: id, is_target: true }, { is_target: false });
    await this.pools.delete({ id });
    await this.status.resetToUnknown(members.map((endpoint) => endpoint.id));
  }

  async target(id: string): Promise<StateDto> {
    await this.findOrFail(id);
    const target = await this.states.findOne({ where: { pool_id: id, is_target: true } });
    if (!target) throw new ApiException(ErrorCode.NOT_FOUND, `Pool ${id} has no target yet`, { id });
    return toStateDto(target);
  }

  /** Target history: every snapshot that has been this pool's target, most recent first. */
  async targetHistory(id: string, page: PaginationQueryDto): Promise<StateSummaryPageDto> {
    await this.findOrFail(id);
    const [states, total] = await this.states.findAndCount({
      where: { pool_id: id, set_at: Not(IsNull()) },
      select: STATE_SUMMARY_COLUMNS,
      order: { set_at: 'DESC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items: states.map(toStateSummary), total, limit: page.limit, offset: page.offset };
  }

  private async saveNamed(pool: Pool): Promise<void> {
    try {
      await this.pools.save(pool);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw ApiException.conflict(`A pool named "${pool.name}" already exists`, { name: pool.name });
      }
      throw error;
    }
  }

  private async toDtos(pools: Pool[]): Promise<PoolDto[]> {
    if (pools.length === 0) return [];
    const ids = pools.map((pool) => pool.id);
    const members = await this.endpoints.find({
      where: { pool_id: In(ids) },
      select: { id: true, pool_id: true },
      order: { created_at: 'ASC', id: 'ASC' },
    });
    const targets = await this.states.find({
      where: { pool_id: In(ids), is_target: true },
      select: { id: true, pool_id: true },
    });
    return pools.map((pool) => ({
      id: pool.id,
      name: pool.name,
      description: pool.description,
      sync_policy: pool.sync_policy,
      endpoints: members.filter((endpoint) => endpoint.pool_id === pool.id).map((endpoint) => endpoint.id),
      target_state_id: targets.find((state) => state.pool_id === pool.id)?.id ?? null,
      created_at: pool.created_at,
      updated_at: pool.updated_at,
    }));
  }
}
