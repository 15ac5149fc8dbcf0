import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';

import { ApiException } from '../common/errors/api.exception';
import { ErrorCode } from '../common/errors/error-code';
import { clientAddress, getRequestAuth } from './request-auth';

/**
 * API_RATE_LIMIT requests a minute per client: per principal when the token is good (so many endpoints
 * behind one NAT address do not share a budget), else per address. One budget over all routes.
 * Counters live in this instance's memory: behind a load balancer each instance counts on its own.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const { principal } = getRequestAuth(request);
    if (principal) return `${principal.kind}:${principal.id}`;
    return `address:${clientAddress(request as { ip?: string }) ?? 'unknown'}`;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    // The parent has already set Retry-After; the body says the same in the one error shape.
    throw new ApiException(ErrorCode.RATE_LIMITED, 'Too many requests: slow down and retry later', {
      limit: detail.limit,
      window_seconds: Math.round(detail.ttl / 1000),
      retry_after_seconds: detail.timeToBlockExpire,
    });
  }
}
