import {
  analyzePool,
  repositoryContentHash,
  type PackageOffer,
  type PacmanHolds,
  type RepositoryReport,
  type RepositorySet,
} from '@pacman-sync/shared';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Not, IsNull, Repository } from 'typeorm';

import { ApiException } from '../common/errors/api.exception';
import { ErrorCode } from '../common/errors/error-code';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { inTransaction } from '../database/transactions';
import { Endpoint } from '../endpoints/endpoint.entity';
import { EndpointStatusService } from '../endpoints/endpoint-status.service';
import { EndpointsService } from '../endpoints/endpoints.service';
import { EventsService } from '../events/events.service';
import { Pool } from '../pools/pool.entity';
import {
  CompatibilityAnalysisDto,
  CompatibilityAnalysisPageDto,
  ListAnalysesQueryDto,
} from './dto/analysis.dto';
import { PacmanHoldsDto, RepositoryReportDto, RepositoryReportResultDto } from './dto/repository-report.dto';
import { RepositoryAnalysisEntity } from './repository-analysis.entity';
import { RepositoryContent } from './repository-content.entity';
import { RepositoryEntity } from './repository.entity';

/**
 * The content key of one repository's package list. The mirror URL is left out (machines on different
 * mirrors of the same repository share one copy); the name stays, so `core` and `extra` never merge.
 */
function contentKey(repository: RepositoryReport): string {
  return repositoryContentHash([
    { repo_name: repository.repo_name, repo_url: '', packages: repository.packages },
  ]);
}

/** Only the known fields, in a fresh object: what is stored is exactly what was validated. */
function toPacmanHolds(holds: PacmanHoldsDto): PacmanHolds {
  return {
    ignore_pkg: [...holds.ignore_pkg],
    ignore_group: [...holds.ignore_group],
    ignored_group_members: holds.ignored_group_members.map((member) => ({
      package_name: member.package_name,
      group: member.group,
    })),
  };
}

@Injectable()
export class RepositoriesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(RepositoryEntity) private readonly repositories: Repository<RepositoryEntity>,
    @InjectRepository(RepositoryContent) private readonly contents: Repository<RepositoryContent>,
    @InjectRepository(RepositoryAnalysisEntity)
    private readonly analyses: Repository<RepositoryAnalysisEntity>,
    @InjectRepository(Endpoint) private readonly endpointRows: Repository<Endpoint>,
    @InjectRepository(Pool) private readonly pools: Repository<Pool>,
    private readonly endpoints: EndpointsService,
    private readonly status: EndpointStatusService,
    private readonly events: EventsService,
  ) {}

  async report(endpointId: string, report: RepositoryReportDto): Promise<RepositoryReportResultDto> {
    const endpoint = await this.endpoints.findOrFail(endpointId);
    if (report.repositories === undefined) {
      const known = endpoint.repositories_hash !== null && endpoint.repositories_hash === report.content_hash;
      return {
        known,
        changed: false,
        content_hash: known ? endpoint.repositories_hash : null,
        new_contents: 0,
      };
    }
    const repositories: RepositoryReport[] = report.repositories.map((repository) => ({
      repo_name: repository.repo_name,
      repo_url: repository.repo_url,
      packages: repository.packages.map((pkg) => ({
        name: pkg.name,
        version: pkg.version,
        architecture: pkg.architecture,
      })),
    }));
    const names = new Set<string>();
    repositories.forEach((repository, index) => {
      if (names.has(repository.repo_name)) {
        throw ApiException.validation('Invalid request: duplicate repository', [
          {
            field: `repositories.${index}.repo_name`,
            messages: [`repository "${repository.repo_name}" is listed twice`],
          },
        ]);
      }
      names.add(repository.repo_name);
    });
    const total = repositoryContentHash(repositories);
    if (report.content_hash !== undefined && report.content_hash !== total) {
      throw ApiException.validation('Invalid request: content_hash does not match the repositories', [
        {
          field: 'content_hash',
          messages: [`content_hash does not match the reported repositories (${total})`],
        },
      ]);
    }
    const cache = report.cached_packages?.map((pkg) => ({ name: pkg.name, version: pkg.version })) ?? null;
    const changed = endpoint.repositories_hash !== total;
    let newContents = 0;
    await inTransaction(this.dataSource, async (manager) => {
      newContents = 0;
      if (changed) {
        const keyed = repositories.map((repository) => ({ repository, key: contentKey(repository) }));
        const existing = await manager.find(RepositoryContent, {
          where: { content_hash: In(keyed.map((entry) => entry.key)) },
          select: { content_hash: true },
        });
        const have = new Set(existing.map((row) => row.content_hash));
        for (const { repository, key } of keyed) {
          if (have.has(key)) continue;
          // Another endpoint may insert the same content at the same moment: that is fine, one copy wins.
          await manager
            .createQueryBuilder()
            .insert()
            .into(RepositoryContent)
            .values({
              content_hash: key,
              packages: repository.packages,
              package_count: repository.packages.length,
            })
            .orIgnore()
            .execute();
          have.add(key);
          newContents++;
        }
        await manager.delete(RepositoryEntity, { endpoint_id: endpoint.id });
        if (keyed.length > 0) {
          await manager.insert(
            RepositoryEntity,
            keyed.map(({ repository, key }, position) => ({
              endpoint_id: endpoint.id,
              repo_name: repository.repo_name,
              repo_url: repository.repo_url,
              position,
              content_hash: key,
            })),
          );
        }
      }
      await manager.update(
        Endpoint,
        { id: endpoint.id },
        {
          repositories_hash: total,
          package_cache: cache,
          has_archive: report.archive ?? false,
          pacman_holds: report.holds ? toPacmanHolds(report.holds) : null,
        },
      );
    });
    return { known: true, changed, content_hash: total, new_contents: newContents };
  }

  /** What the endpoint can install, as its last repository report said (for planSync). */
  async offerFor(endpoint: Endpoint): Promise<PackageOffer> {
    const rows = await this.repositories.find({
      where: { endpoint_id: endpoint.id },
      order: { position: 'ASC' },
    });
    const contents = await this.loadContents(rows.map((row) => row.content_hash));
    return {
      repositories: rows.map((row) => ({
        repo_name: row.repo_name,
        repo_url: row.repo_url ?? '',
        packages: contents.get(row.content_hash) ?? [],
      })),
      cached: endpoint.package_cache ?? [],
      archive: endpoint.has_archive,
      ...(endpoint.pacman_holds ? { holds: endpoint.pacman_holds } : {}),
    };
  }

  async list(query: ListAnalysesQueryDto): Promise<CompatibilityAnalysisPageDto> {
    this.requireAnalysisEnabled();
    if (query.pool_id && !(await this.pools.existsBy({ id: query.pool_id }))) {
      throw ApiException.notFound('Pool', query.pool_id);
    }
    const [rows, total] = await this.analyses.findAndCount({
      where: query.pool_id ? { pool_id: query.pool_id } : {},
      order: { last_analyzed: 'DESC', pool_id: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
    return { items: rows.map((row) => row.result), total, limit: query.limit, offset: query.offset };
  }

  async analyze(poolId: string): Promise<CompatibilityAnalysisDto> {
    this.requireAnalysisEnabled();
    const pool = await this.pools.findOne({ where: { id: poolId }, select: { id: true, sync_policy: true } });
    if (!pool) throw ApiException.notFound('Pool', poolId);
    const target = await this.status.loadTarget(poolId);
    if (!target) {
      throw ApiException.conflict(`Pool ${poolId} has no target yet: set one with set-latest first`, {
        pool_id: poolId,
      });
    }
    const members = await this.endpointRows.find({
      where: { pool_id: poolId, repositories_hash: Not(IsNull()) },
      select: { id: true, repositories_hash: true },
    });
    const sets = await this.repositorySets(members);
    const now = new Date();
    const result = analyzePool(poolId, target, sets, pool.sync_policy, now);
    // upsert, not save(): save() first loads the previous result and deep-compares it with this one.
    await this.analyses.upsert({ pool_id: poolId, result, last_analyzed: now }, ['pool_id']);
    this.events.publish('repositories.analyzed', {
      pool_id: poolId,
      common: result.common_packages.length,
      excluded: result.excluded_packages.length,
      conflicts: result.conflicts.length,
      last_analyzed: result.last_analyzed,
    });
    return result;
  }

  /** Removes package lists no endpoint points at any more. */
  async deleteOrphanContents(): Promise<number> {
    const result = await this.contents
      .createQueryBuilder()
      .delete()
      .where(`content_hash NOT IN (SELECT DISTINCT content_hash FROM repositories)`)
      .execute();
    return result.affected ?? 0;
  }

  private async repositorySets(
    members: Array<Pick<Endpoint, 'id' | 'repositories_hash'>>,
  ): Promise<RepositorySet[]> {
    const byHash = new Map<string, string[]>();
    for (const member of members) {
      const endpointIds = byHash.get(member.repositories_hash!);
      if (endpointIds) endpointIds.push(member.id);
      else byHash.set(member.repositories_hash!, [member.id]);
    }
    // Endpoints with the same hash have the same repositories: one of them stands for its set.
    const representatives = [...byHash.values()].map((endpointIds) => endpointIds[0]);
    const rows =
      representatives.length === 0
        ? []
        : await this.repositories.find({
            where: { endpoint_id: In(representatives) },
            select: {
              endpoint_id: true,
              repo_name: true,
              repo_url: true,
              content_hash: true,
              position: true,
            },
            order: { position: 'ASC' },
          });
    const contents = await this.loadContents(rows.map((row) => row.content_hash));
    return [...byHash.values()].map((endpointIds) => ({
      endpoint_ids: endpointIds,
      repositories: rows
        .filter((row) => row.endpoint_id === endpointIds[0])
        .map((row) => ({
          repo_name: row.repo_name,
          repo_url: row.repo_url ?? '',
          packages: contents.get(row.content_hash) ?? [],
        })),
    }));
  }

  /**
   * Package lists by content hash, each parsed once however many sets share it. A raw query: TypeORM's
   * hydration of 15,000-package rows cost more than the analysis itself.
   */
  private async loadContents(hashes: string[]): Promise<Map<string, RepositoryReport['packages']>> {
    const distinct = [...new Set(hashes)];
    if (distinct.length === 0) return new Map();
    const isPostgres = this.dataSource.options.type === 'postgres';
    const placeholders = distinct.map((_, index) => (isPostgres ? `$${index + 1}` : '?')).join(', ');
    const rows = (await this.dataSource.query(
      `SELECT content_hash, packages FROM repository_contents WHERE content_hash IN (${placeholders})`,
      distinct,
    )) as Array<{ content_hash: string; packages: string | RepositoryReport['packages'] }>;
    // PostgreSQL's driver parses jsonb itself; SQLite hands back the text.
    return new Map(
      rows.map((row) => [
        row.content_hash,
        typeof row.packages === 'string'
          ? (JSON.parse(row.packages) as RepositoryReport['packages'])
          : row.packages,
      ]),
    );
  }

  private requireAnalysisEnabled(): void {
    if (!this.config.enableRepositoryAnalysis) {
      throw new ApiException(
        ErrorCode.FEATURE_DISABLED,
        'Repository analysis is disabled on this server (ENABLE_REPOSITORY_ANALYSIS=false)',
        { setting: 'ENABLE_REPOSITORY_ANALYSIS' },
      );
    }
  }
}
