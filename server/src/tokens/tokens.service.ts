import { randomBytes } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';

import { CredentialsService } from '../auth/credentials.service';
import { actorOf, Principal } from '../auth/principal';
import { ApiException } from '../common/errors/api.exception';
import { PaginationQueryDto } from '../common/pagination.dto';
import { generateEndpointToken, hashEndpointToken } from '../endpoints/endpoint-token';
import { Endpoint } from '../endpoints/endpoint.entity';
import { Pool } from '../pools/pool.entity';
import { generateApiToken, hashApiToken, TOKEN_PREFIX_LENGTH } from './api-token-secret';
import { ApiToken } from './api-token.entity';
import {
  ApiTokenDto,
  ApiTokenPageDto,
  CreateApiTokenDto,
  CreatedApiTokenDto,
  EndpointTokenDto,
} from './dto/api-token.dto';

function toDto(token: ApiToken): ApiTokenDto {
  return {
    id: token.id,
    name: token.name,
    role: token.role,
    can_enroll: token.can_enroll,
    enroll_pool_id: token.enroll_pool_id,
    token_prefix: token.token_prefix,
    expires_at: token.expires_at,
    revoked_at: token.revoked_at,
    last_used_at: token.last_used_at,
    created_by: token.created_by,
    created_at: token.created_at,
  };
}

/** A SHA-256 hex digest never contains ':', so no token can ever match a revoked endpoint's hash. */
function revokedEndpointHash(): string {
  return `revoked:${randomBytes(28).toString('hex')}`;
}

@Injectable()
export class TokensService {
  constructor(
    @InjectRepository(ApiToken) private readonly tokens: Repository<ApiToken>,
    @InjectRepository(Endpoint) private readonly endpoints: Repository<Endpoint>,
    @InjectRepository(Pool) private readonly pools: Repository<Pool>,
    private readonly credentials: CredentialsService,
  ) {}

  async list(page: PaginationQueryDto): Promise<ApiTokenPageDto> {
    const [tokens, total] = await this.tokens.findAndCount({
      order: { created_at: 'DESC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items: tokens.map(toDto), total, limit: page.limit, offset: page.offset };
  }

  async create(input: CreateApiTokenDto, creator: Principal): Promise<CreatedApiTokenDto> {
    if (input.expires_at !== undefined && input.expires_at.getTime() <= Date.now()) {
      throw ApiException.validation('Invalid request: expires_at must be in the future', [
        { field: 'expires_at', messages: ['expires_at must be in the future'] },
      ]);
    }
    const enrolls = input.can_enroll ?? false;
    const enrollPoolId = input.enroll_pool_id ?? null;
    if (enrollPoolId !== null && !enrolls) {
      throw ApiException.validation('Invalid request: enroll_pool_id needs can_enroll: true', [
        {
          field: 'enroll_pool_id',
          messages: ['enroll_pool_id is only for enrolment tokens (can_enroll: true)'],
        },
      ]);
    }
    if (enrollPoolId !== null && !(await this.pools.existsBy({ id: enrollPoolId }))) {
      throw ApiException.notFound('Pool', enrollPoolId);
    }
    const secret = generateApiToken();
    const token = await this.tokens.save(
      this.tokens.create({
        name: input.name,
        role: input.role,
        can_enroll: enrolls,
        enroll_pool_id: enrollPoolId,
        token_hash: hashApiToken(secret),
        token_prefix: secret.slice(0, TOKEN_PREFIX_LENGTH),
        expires_at: input.expires_at ?? null,
        revoked_at: null,
        last_used_at: null,
        created_by: actorOf(creator),
      }),
    );
    return { token: toDto(token), secret };
  }

  /** Idempotent: revoking a revoked token answers as if it had just been revoked. */
  async revoke(id: string): Promise<void> {
    const token = await this.tokens.findOne({ where: { id } });
    if (!token) throw ApiException.notFound('API token', id);
    if (token.revoked_at === null) await this.tokens.update({ id }, { revoked_at: new Date() });
    this.credentials.forgetApiToken(token.id);
  }

  async rotateEndpointToken(endpointId: string): Promise<EndpointTokenDto> {
    await this.requireEndpoint(endpointId);
    const token = generateEndpointToken();
    await this.endpoints.update({ id: endpointId }, { token_hash: hashEndpointToken(token) });
    this.credentials.forgetEndpoint(endpointId);
    return { endpoint_id: endpointId, token };
  }

  /** The endpoint keeps its data but cannot authenticate until an admin issues a new token. */
  async revokeEndpointToken(endpointId: string): Promise<void> {
    await this.requireEndpoint(endpointId);
    await this.endpoints.update({ id: endpointId }, { token_hash: revokedEndpointHash() });
    this.credentials.forgetEndpoint(endpointId);
  }

  private async requireEndpoint(id: string): Promise<void> {
    if (!(await this.endpoints.existsBy({ id }))) throw ApiException.notFound('Endpoint', id);
  }
}
