import { Injectable } from '@nestjs/common';

import { EventsAuthenticator, EventsPrincipal, roleCanSee } from '../events/events-authenticator';
import type { ServerEvent } from '../events/events.service';
import { CredentialsService } from './credentials.service';
import { AuthFailure } from './principal';

/** WS /api/events takes the same bearer tokens as the REST API; no or a bad token: the upgrade is refused. */
@Injectable()
export class BearerEventsAuthenticator extends EventsAuthenticator {
  constructor(private readonly credentials: CredentialsService) {
    super();
  }

  async authenticate(token: string | null): Promise<EventsPrincipal | null> {
    if (token === null) return null;
    try {
      const principal = await this.credentials.resolve(token);
      if (principal.kind === 'endpoint') {
        return { role: 'endpoint', endpoint_id: principal.id, pool_id: principal.poolId };
      }
      return { role: principal.role };
    } catch (error) {
      if (error instanceof AuthFailure) return null;
      throw error;
    }
  }

  canSee(principal: EventsPrincipal, event: ServerEvent): boolean {
    return roleCanSee(principal, event);
  }
}
