import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';

import { AuditService } from '../audit/audit.service';
import { ApiException } from '../common/errors/api.exception';
import { ErrorCode } from '../common/errors/error-code';
import { SyncOperation } from '../sync/sync-operation.entity';
import { ACCESS_RULE, AccessRule, EndpointScope } from './access.decorator';
import { AUTH_FAILURE_MESSAGES, Principal } from './principal';
import { clientAddress, getRequestAuth } from './request-auth';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MUTATING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface GuardedRequest {
  method: string;
  url: string;
  ip?: string;
  params?: Record<string, string | undefined>;
  query?: Record<string, unknown>;
}

/**
 * Last global guard: applies the route's one access declaration (@Public, @AnyPrincipal, @Roles). It fails
 * closed: a route that declares nothing is refused with 403 for everyone, so a forgotten decorator is found
 * by the access-matrix test instead of by an attacker.
 */
@Injectable()
export class AuthorizationGuard implements CanActivate {
  private readonly logger = new Logger('AuthorizationGuard');

  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
    @InjectRepository(SyncOperation) private readonly operations: Repository<SyncOperation>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rule) {
      this.logger.error({ msg: 'route declares no access rule: refused', route: context.getHandler().name });
      throw new ApiException(ErrorCode.FORBIDDEN, 'This route declares no access rule and is refused', null);
    }
    if (rule.public) return true;
    const { principal, failure } = getRequestAuth(request);
    if (!principal) {
      throw new ApiException(ErrorCode.UNAUTHENTICATED, AUTH_FAILURE_MESSAGES[failure ?? 'missing'], null);
    }
    if (await this.allows(rule, principal, request)) return true;
    if (MUTATING_METHODS.has(request.method)) {
      await this.audit.recordFor(principal, clientAddress(request), {
        action: context.getHandler().name,
        target: request.url.split('?')[0],
        outcome: 'denied',
        details: null,
      });
    }
    throw new ApiException(
      ErrorCode.FORBIDDEN,
      principal.kind === 'endpoint'
        ? 'An endpoint token may act only on its own endpoint, and only through the endpoint routes'
        : `Role ${principal.role} may not do this`,
      { role: principal.role },
    );
  }

  private async allows(rule: AccessRule, principal: Principal, request: GuardedRequest): Promise<boolean> {
    if (rule.anyPrincipal) return true;
    if (principal.kind === 'endpoint') {
      if (rule.endpoint === null) return false;
      if (rule.endpoint.resolve === 'pool') {
        const poolId = request.params?.[rule.endpoint.name];
        return (
          typeof poolId === 'string' && principal.poolId !== null && poolId.toLowerCase() === principal.poolId
        );
      }
      return (await this.scopedEndpoint(rule.endpoint, request)) === principal.id;
    }
    if (principal.role === 'admin' || rule.roles.includes(principal.role)) return true;
    return rule.enroll && principal.kind === 'api_token' && principal.canEnroll;
  }

  /** The endpoint a request acts on, or null when it cannot be told (then an endpoint token is refused). */
  private async scopedEndpoint(scope: EndpointScope, request: GuardedRequest): Promise<string | null> {
    const raw = scope.source === 'param' ? request.params?.[scope.name] : request.query?.[scope.name];
    if (typeof raw !== 'string' || !UUID.test(raw)) return null;
    const id = raw.toLowerCase();
    if (scope.resolve === 'endpoint') return id;
    const operation = await this.operations.findOne({
      where: { id },
      select: { id: true, endpoint_id: true },
    });
    return operation?.endpoint_id ?? null;
  }
}
