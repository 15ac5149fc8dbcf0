import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';

import { ApiException } from '../common/errors/api.exception';
import { ErrorCode } from '../common/errors/error-code';
import { clientAddress, getRequestAuth } from './request-auth';

/** API_RATE_LIMIT counts requests in windows of this length. */
export const RATE_WINDOW_MS = 60_000;
/** The one throttler's name, which prefixes every counter's key. */
export const RATE_LIMIT_THROTTLER = 'default';

/** The counter a client is charged to: its principal when the token is good, else its address. */
export function rateLimitKey(tracker: string): string {
  return `${RATE_LIMIT_THROTTLER}:${tracker}`;
}

/**
 * API_RATE_LIMIT requests a minute per client: per principal when the token is good (so many endpoints
 * behind one NAT address do not share a budget), else per address. One budget over all routes and
 * WebSocket upgrades, shared by the instances of one PostgreSQL (FixedWindowThrottlerStorage). /api/health
 * is exempt (@SkipThrottle).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const { principal } = getRequestAuth(request);
    if (principal) return `${principal.kind}:${principal.id}`;
    return `address:${clientAddress(request as { ip?: string }) ?? 'unknown'}`;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string): string {
    return rateLimitKey(tracker);
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
