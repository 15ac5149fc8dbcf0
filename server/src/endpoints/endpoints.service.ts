import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FindOptionsWhere, IsNull, Repository } from 'typeorm';

import { CredentialsService } from '../auth/credentials.service';
import { ApiException } from '../common/errors/api.exception';
import { Pool } from '../pools/pool.entity';
import { PackageStateEntity } from '../states/package-state.entity';
import { EndpointDto, EndpointPageDto, RegisteredEndpointDto } from './dto/endpoint.dto';
import { ListEndpointsQueryDto } from './dto/list-endpoints-query.dto';
import { RegisterEndpointDto } from './dto/register-endpoint.dto';
import { UpdateEndpointDto } from './dto/update-endpoint.dto';
import { EndpointStatusService } from './endpoint-status.service';
import { generateEndpointToken, hashEndpointToken } from './endpoint-token';
import { Endpoint } from './endpoint.entity';

@Injectable()
export class EndpointsService {
  constructor(
    @InjectRepository(Endpoint) private readonly endpoints: Repository<Endpoint>,
    @InjectRepository(Pool) private readonly pools: Repository<Pool>,
    @InjectRepository(PackageStateEntity) private readonly states: Repository<PackageStateEntity>,
    private readonly status: EndpointStatusService,
    private readonly credentials: CredentialsService,
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
    const where: FindOptionsWhere<Endpoint> = {};
    if (query.pool_id) where.pool_id = query.pool_id;
    if (query.sync_status) where.sync_status = query.sync_status;
    const [endpoints, total] = await this.endpoints.findAndCount({
      where,
      order: { created_at: 'ASC', id: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
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

  async register(input: RegisterEndpointDto): Promise<RegisteredEndpointDto> {
    if (input.pool_id) await this.requirePool(input.pool_id);
    const token = generateEndpointToken();
    const endpoint = await this.endpoints.save(
      this.endpoints.create({
        name: input.name,
        hostname: input.hostname,
        pool_id: input.pool_id ?? null,
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
    if (poolChanged || input.report_interval !== undefined)
      await this.status.recompute(await this.findOrFail(id));
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    await this.findOrFail(id);
    // Snapshots that are or were a pool target stay (target history); the rest go with the endpoint.
    await this.endpoints.update({ id }, { latest_state_id: null });
    await this.states.delete({ endpoint_id: id, is_target: false, set_at: IsNull() });
    await this.endpoints.delete({ id });
    this.credentials.forgetEndpoint(id);
  }

  private async requirePool(poolId: string): Promise<void> {
    if (!(await this.pools.existsBy({ id: poolId }))) throw ApiException.notFound('Pool', poolId);
  }
}
