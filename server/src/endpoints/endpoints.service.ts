import type { SyncStatus } from '@pacman-sync/shared';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, DataSource, In, IsNull, Repository } from 'typeorm';

import { CredentialsService } from '../auth/credentials.service';
import type { Principal } from '../auth/principal';
import { ApiException } from '../common/errors/api.exception';
import { ErrorCode } from '../common/errors/error-code';
import { inTransaction } from '../database/transactions';
import { Pool } from '../pools/pool.entity';
import { PackageStateEntity } from '../states/package-state.entity';
import { AssignedEndpointsDto } from './dto/assign-endpoints.dto';
import { EndpointDto, EndpointPageDto, RegisteredEndpointDto } from './dto/endpoint.dto';
import { ListEndpointsQueryDto } from './dto/list-endpoints-query.dto';
import { RegisterEndpointDto } from './dto/register-endpoint.dto';
import { UpdateEndpointDto } from './dto/update-endpoint.dto';
import { EndpointStatusService } from './endpoint-status.service';
import { generateEndpointToken, hashEndpointToken } from './endpoint-token';
import { Endpoint } from './endpoint.entity';

/** Worst first, the order an administrator works through them. */
const STATUS_SEVERITY: readonly SyncStatus[] = [
  'diverged',
  'behind',
  'offline',
  'ahead',
  'unknown',
  'in_sync',
];
const STATUS_SEVERITY_SQL = `CASE endpoint.sync_status ${STATUS_SEVERITY.map(
  (status, rank) => `WHEN '${status}' THEN ${rank}`,
).join(' ')} ELSE ${STATUS_SEVERITY.length} END`;

/** A LIKE pattern matching `text` literally (ESCAPE '\'): its wildcards and the escape itself are escaped. */
export function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

@Injectable()
export class EndpointsService {
  constructor(
    @InjectRepository(Endpoint) private readonly endpoints: Repository<Endpoint>,
    @InjectRepository(Pool) private readonly pools: Repository<Pool>,
    @InjectRepository(PackageStateEntity) private readonly states: Repository<PackageStateEntity>,
    private readonly status: EndpointStatusService,
    private readonly credentials: CredentialsService,
    private readonly dataSource: DataSource,
  ) {}

  toDto(endpoint: Endpoint, now = new Date()): EndpointDto {
    return {
      id: endpoint.id,
      name: endpoint.name,
      hostname: endpoint.hostname,
      pool_id: endpoint.pool_id,
      last_seen: endpoint.last_seen,
      sync_status: this.status.effectiveStatus(endpoint, now),
      report_interval: endpoint.report_interval,
      latest_state_id: endpoint.latest_state_id,
      created_at: endpoint.created_at,
      updated_at: endpoint.updated_at,
    };
  }

  async findOrFail(id: string): Promise<Endpoint> {
    const endpoint = await this.endpoints.findOne({ where: { id } });
    if (!endpoint) throw ApiException.notFound('Endpoint', id);
    return endpoint;
  }

  async list(query: ListEndpointsQueryDto): Promise<EndpointPageDto> {
    const select = this.endpoints.createQueryBuilder('endpoint');
    if (query.pool_id) select.andWhere('endpoint.pool_id = :poolId', { poolId: query.pool_id });
    if (query.unassigned)
      select.andWhere(`endpoint.pool_id IS ${query.unassigned === 'true' ? '' : 'NOT '}NULL`);
    if (query.sync_status)
      select.andWhere('endpoint.sync_status = :syncStatus', { syncStatus: query.sync_status });
    if (query.search) {
      const like = this.endpoints.manager.connection.options.type === 'postgres' ? 'ILIKE' : 'LIKE';
      select.andWhere(
        new Brackets((either) =>
          either
            .where(`endpoint.name ${like} :pattern ESCAPE '\\'`)
            .orWhere(`endpoint.hostname ${like} :pattern ESCAPE '\\'`),
        ),
        { pattern: `%${escapeLikePattern(query.search)}%` },
      );
    }
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    switch (query.sort) {
      case 'name':
      case 'hostname':
        select.orderBy(`LOWER(endpoint.${query.sort})`, direction);
        select.addOrderBy(`endpoint.${query.sort}`, direction);
        break;
      case 'last_seen':
        // Each engine has its own default place for NULL; never-seen endpoints go last either way.
        select.orderBy('CASE WHEN endpoint.last_seen IS NULL THEN 1 ELSE 0 END', 'ASC');
        select.addOrderBy('endpoint.last_seen', direction);
        break;
      case 'sync_status':
        select.orderBy(STATUS_SEVERITY_SQL, direction);
        break;
      default:
        select.orderBy('endpoint.created_at', direction);
    }
    select.addOrderBy('endpoint.id', direction).limit(query.limit).offset(query.offset);
    const [endpoints, total] = await select.getManyAndCount();
    const now = new Date();
    return {
      items: endpoints.map((e) => this.toDto(e, now)),
      total,
      limit: query.limit,
      offset: query.offset,
    };
  }

  async get(id: string): Promise<EndpointDto> {
    return this.toDto(await this.findOrFail(id));
  }

  async register(input: RegisterEndpointDto, principal: Principal): Promise<RegisteredEndpointDto> {
    const poolId = this.enrolmentPool(input, principal);
    if (poolId) await this.requirePool(poolId);
    const token = generateEndpointToken();
    const endpoint = await this.endpoints.save(
      this.endpoints.create({
        name: input.name,
        hostname: input.hostname,
        pool_id: poolId,
        report_interval: input.report_interval,
        token_hash: hashEndpointToken(token),
        sync_status: 'unknown',
        last_seen: null,
        latest_state_id: null,
        repositories_hash: null,
        // Set here rather than by the column default: SQLite's datetime('now') has only second precision.
        created_at: new Date(),
      }),
    );
    return { endpoint: await this.get(endpoint.id), token };
  }

  async update(id: string, input: UpdateEndpointDto): Promise<EndpointDto> {
    const endpoint = await this.findOrFail(id);
    const poolChanged = input.pool_id !== undefined && input.pool_id !== endpoint.pool_id;
    if (poolChanged && input.pool_id) await this.requirePool(input.pool_id);
    const changes: Partial<Endpoint> = {};
    if (input.name !== undefined) changes.name = input.name;
    if (input.report_interval !== undefined) changes.report_interval = input.report_interval;
    if (poolChanged) changes.pool_id = input.pool_id ?? null;
    if (Object.keys(changes).length > 0) await this.endpoints.update({ id }, changes);
    // Its open sockets were scoped to the old pool's events.
    if (poolChanged) this.credentials.forgetEndpoint(id);
    const updated = await this.findOrFail(id);
    if (poolChanged || input.report_interval !== undefined) await this.status.recompute(updated);
    return this.toDto(updated);
  }

  /**
   * Moves endpoints into a pool all at once: either every one exists and all move, or nothing changes.
   * Endpoints already in the pool are left untouched (no status event, their sockets stay).
   */
  async assignToPool(poolId: string, endpointIds: readonly string[]): Promise<AssignedEndpointsDto> {
    const movedIds = await inTransaction(this.dataSource, async (manager) => {
      if (!(await manager.getRepository(Pool).existsBy({ id: poolId })))
        throw ApiException.notFound('Pool', poolId);
      const endpoints = manager.getRepository(Endpoint);
      const found = await endpoints.find({
        where: { id: In([...endpointIds]) },
        select: { id: true, pool_id: true },
      });
      const foundIds = new Set(found.map((endpoint) => endpoint.id));
      const missing = endpointIds.filter((id) => !foundIds.has(id));
      if (missing.length > 0) {
        throw new ApiException(
          ErrorCode.NOT_FOUND,
          `${missing.length} endpoint(s) not found, none assigned: ${missing.slice(0, 10).join(', ')}` +
            (missing.length > 10 ? ', …' : ''),
          { pool_id: poolId, missing_ids: missing },
        );
      }
      const moving = found.filter((endpoint) => endpoint.pool_id !== poolId).map((endpoint) => endpoint.id);
      if (moving.length > 0) await endpoints.update({ id: In(moving) }, { pool_id: poolId });
      return moving;
    });
    // Their open sockets were scoped to the old pool's events.
    for (const id of movedIds) this.credentials.forgetEndpoint(id);
    // One read serves the recompute and the answer: recompute keeps the row's sync_status up to date.
    const byId = new Map(
      (await this.endpoints.find({ where: { id: In([...endpointIds]) } })).map((endpoint) => [
        endpoint.id,
        endpoint,
      ]),
    );
    if (movedIds.length > 0) {
      const poolTarget = await this.status.loadPoolTarget(poolId);
      for (const id of movedIds) {
        const endpoint = byId.get(id);
        if (endpoint) await this.status.recompute(endpoint, poolTarget);
      }
    }
    const now = new Date();
    return {
      pool_id: poolId,
      moved_ids: movedIds,
      // A concurrent delete after the commit can drop one; the rest are still worth showing.
      endpoints: endpointIds.flatMap((id) => {
        const endpoint = byId.get(id);
        return endpoint ? [this.toDto(endpoint, now)] : [];
      }),
    };
  }

  async remove(id: string): Promise<void> {
    await this.findOrFail(id);
    // Snapshots that are or were a pool target stay (target history); the rest go with the endpoint.
    await this.endpoints.update({ id }, { latest_state_id: null });
    await this.states.delete({ endpoint_id: id, is_target: false, set_at: IsNull() });
    await this.endpoints.delete({ id });
    this.credentials.forgetEndpoint(id);
  }

  /**
   * Where a registration lands. An admin picks any pool (or none). Anyone else came in through an
   * enrolment token, which names the one pool its endpoints land in (or none): so the secret that sits in
   * every client's config cannot put a machine into another pool.
   */
  private enrolmentPool(input: RegisterEndpointDto, principal: Principal): string | null {
    if (principal.role === 'admin') return input.pool_id ?? null;
    const bound = principal.kind === 'api_token' ? principal.enrollPoolId : null;
    if (input.pool_id && input.pool_id !== bound) {
      throw new ApiException(
        ErrorCode.FORBIDDEN,
        bound
          ? `This enrolment token registers endpoints into pool ${bound} only`
          : 'This enrolment token registers endpoints into no pool: an admin assigns them',
        { pool_id: input.pool_id, enroll_pool_id: bound },
      );
    }
    return bound;
  }

  private async requirePool(poolId: string): Promise<void> {
    if (!(await this.pools.existsBy({ id: poolId }))) throw ApiException.notFound('Pool', poolId);
  }
}
