import { AuditLogEntry } from '../audit/audit-log.entity';
import { LoginThrottleEntry } from '../auth/login-throttle.entity';
import { RateLimitWindow } from '../auth/rate-limit-window.entity';
import { Endpoint } from '../endpoints/endpoint.entity';
import { Pool } from '../pools/pool.entity';
import { RepositoryAnalysisEntity } from '../repositories/repository-analysis.entity';
import { RepositoryContent } from '../repositories/repository-content.entity';
import { RepositoryEntity } from '../repositories/repository.entity';
import { PackageStateEntity } from '../states/package-state.entity';
import { SyncOperation } from '../sync/sync-operation.entity';
import { ApiToken } from '../tokens/api-token.entity';
import { User } from '../users/user.entity';

export const ENTITIES = [
  Pool,
  Endpoint,
  PackageStateEntity,
  SyncOperation,
  RepositoryContent,
  RepositoryEntity,
  RepositoryAnalysisEntity,
  User,
  ApiToken,
  AuditLogEntry,
  LoginThrottleEntry,
  RateLimitWindow,
];
