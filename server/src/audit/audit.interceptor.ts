import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { mergeMap, Observable } from 'rxjs';

import { clientAddress, getRequestAuth } from '../auth/request-auth';
import { AuditService } from './audit.service';

const SKIP_AUDIT = 'pacman-sync:skip-audit';
const MUTATING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * For routes an endpoint calls every few minutes (state and repository check-ins, progress reports):
 * they change no administrative state, and auditing them would bury the log.
 */
export const SkipAudit = () => SetMetadata(SKIP_AUDIT, true);

interface AuditedRequest {
  method: string;
  url: string;
  ip?: string;
}

/** The parts of an answer worth keeping: ids and statuses, never secrets such as a new token. */
function summarise(result: unknown): Record<string, unknown> {
  if (result === null || typeof result !== 'object') return {};
  const body = result as Record<string, unknown>;
  const summary: Record<string, unknown> = {};
  for (const key of [
    'id',
    'operation_type',
    'status',
    'endpoint_id',
    'pool_id',
    'username',
    'role',
    'name',
  ]) {
    if (typeof body[key] === 'string') summary[key] = body[key];
  }
  const endpoint = body.endpoint as Record<string, unknown> | undefined;
  if (endpoint && typeof endpoint.id === 'string') summary.endpoint_id = endpoint.id;
  return summary;
}

/**
 * Writes an audit line for every state-changing call that succeeded: administrative actions and every
 * operation step (requested, claimed, completed, failed, cancelled). Refused calls are not written here:
 * validation and domain refusals changed nothing; authorization refusals are written by AuthorizationGuard.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly audit: AuditService,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AuditedRequest>();
    const skip = this.reflector.getAllAndOverride<boolean>(SKIP_AUDIT, [
      context.getHandler(),
      context.getClass(),
    ]);
    const { principal } = getRequestAuth(request);
    if (skip || !MUTATING_METHODS.has(request.method) || principal === null) return next.handle();
    // Written before the answer leaves, so whoever reads the log after a call finds the call in it.
    return next.handle().pipe(
      mergeMap(async (result) => {
        await this.audit.recordFor(principal, clientAddress(request), {
          action: context.getHandler().name,
          target: request.url.split('?')[0],
          outcome: 'success',
          details: summarise(result),
        });
        return result;
      }),
    );
  }
}
