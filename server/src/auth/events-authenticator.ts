import { Injectable } from '@nestjs/common';
import type { Observable } from 'rxjs';

import { EventsAuthenticator, EventsPrincipal, roleCanSee } from '../events/events-authenticator';
import type { CredentialRef, ServerEvent } from '../events/events.service';
import { CredentialsService } from './credentials.service';
import { AuthFailure } from './principal';

/**
 * WS /api/events takes the same bearer tokens as the REST API; no or a bad token: the upgrade is refused.
 * Each connection carries whose credential opened it and when that expires, so the gateway closes it on
 * expiry and on a revocation announced by {@link CredentialsService} on any instance.
 */
@Injectable()
export class BearerEventsAuthenticator extends EventsAuthenticator {
  readonly credentialChanges$: Observable<CredentialRef>;

  constructor(private readonly credentials: CredentialsService) {
    super();
    this.credentialChanges$ = credentials.credentialChanges$;
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
