import type { IncomingMessage } from 'node:http';

import { Inject, Injectable } from '@nestjs/common';
import { getStorageToken, type ThrottlerStorage } from '@nestjs/throttler';
import type { Observable } from 'rxjs';

import { rawClientAddress, trustProxyFunction, type TrustFunction } from '../common/client-address';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { EventsAuthenticator, EventsPrincipal, roleCanSee } from '../events/events-authenticator';
import type { CredentialRef, ServerEvent } from '../events/events.service';
import { CredentialsService } from './credentials.service';
import { AuthFailure } from './principal';
import { RATE_LIMIT_THROTTLER, RATE_WINDOW_MS, rateLimitKey } from './rate-limit.guard';

/**
 * WS /api/events takes the same bearer tokens as the REST API; no or a bad token: the upgrade is refused.
 * Each connection carries whose credential opened it and when that expires, so the gateway closes it on
 * expiry and on a revocation announced by {@link CredentialsService} on any instance.
 */
@Injectable()
export class BearerEventsAuthenticator extends EventsAuthenticator {
  readonly credentialChanges$: Observable<CredentialRef>;

  private readonly trust: TrustFunction;

  constructor(
    private readonly credentials: CredentialsService,
    @Inject(getStorageToken()) private readonly counters: ThrottlerStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
    this.credentialChanges$ = credentials.credentialChanges$;
    this.trust = trustProxyFunction(config.trustProxy);
  }

  /** The same budget and counter as the REST API's (RateLimitGuard): an upgrade is one request. */
  async admitUpgrade(request: IncomingMessage, principal: EventsPrincipal | null): Promise<number | null> {
    const credential = principal?.credential;
    const tracker = credential
      ? `${credential.kind}:${credential.id}`
      : `address:${rawClientAddress(request, this.trust) ?? 'unknown'}`;
    const record = await this.counters.increment(
      rateLimitKey(tracker),
      RATE_WINDOW_MS,
      this.config.apiRateLimit,
      RATE_WINDOW_MS,
      RATE_LIMIT_THROTTLER,
    );
    return record.isBlocked ? Math.max(1, record.timeToBlockExpire) : null;
  }

  async authenticate(token: string | null): Promise<EventsPrincipal | null> {
    if (token === null) return null;
    try {
      const { principal, expiresAt } = await this.credentials.resolveForConnection(token);
      const credential: CredentialRef = { kind: principal.kind, id: principal.id };
      if (principal.kind === 'endpoint') {
        return {
          role: 'endpoint',
          endpoint_id: principal.id,
          pool_id: principal.poolId,
          expires_at: expiresAt,
          credential,
        };
      }
      return { role: principal.role, expires_at: expiresAt, credential };
    } catch (error) {
      if (error instanceof AuthFailure) return null;
      throw error;
    }
  }

  canSee(principal: EventsPrincipal, event: ServerEvent): boolean {
    return roleCanSee(principal, event);
  }
}
