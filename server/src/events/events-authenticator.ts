import type { IncomingMessage } from 'node:http';

import { EMPTY, type Observable } from 'rxjs';

import type { CredentialRef, ServerEvent } from './events.service';

export type EventsRole = 'viewer' | 'admin' | 'ci' | 'endpoint';

/** Who holds a WebSocket connection, as far as event filtering needs to know. */
export interface EventsPrincipal {
  role: EventsRole;
  /** Only for `endpoint`: the endpoint the token belongs to. */
  endpoint_id?: string;
  /**
   * Only for `endpoint`: its pool when the connection was opened, so it sees its pool's target changes.
   * A move to another pool takes effect when the client reconnects.
   */
  pool_id?: string | null;
  /**
   * When the credential stops being valid (a session JWT's `exp`, an API token's expiry); the gateway closes
   * the connection then with 4401 "token expired", and the client reconnects with a fresh token. Absent: no
   * expiry.
   */
  expires_at?: Date | null;
  /** Whose credential opened the connection: a notice about it makes the gateway re-check the connection. */
  credential?: CredentialRef;
}

/**
 * Decides who may open WS /api/events and which events each connection receives. The gateway extracts the
 * token ({@link extractEventsToken}) and asks `authenticate`; null refuses the upgrade with 401. When
 * `credentialChanges$` names a connection's `credential`, the gateway asks `authenticate` again with the
 * connection's token and closes it (4401) unless the answer is the same principal.
 *
 * Bind another implementation to this class (`{ provide: EventsAuthenticator, useClass: … }`) to replace
 * the default.
 */
export abstract class EventsAuthenticator {
  /** `token` is null when the client sent none. Null answer: refuse the connection. */
  abstract authenticate(token: string | null): Promise<EventsPrincipal | null>;

  /** Called for every event and connection: keep it cheap and synchronous. */
  abstract canSee(principal: EventsPrincipal, event: ServerEvent): boolean;

  /**
   * Counts the upgrade against its client's request budget (the principal's, else the address's) before
   * anything else answers it; a number is the seconds to wait: the upgrade is refused with 429.
   */
  abstract admitUpgrade(request: IncomingMessage, principal: EventsPrincipal | null): Promise<number | null>;

  /**
   * Credentials revoked or changed, on any instance; emitted only once this authenticator's own caches have
   * forgotten them, so a re-check reads the new truth.
   */
  abstract readonly credentialChanges$: Observable<CredentialRef>;
}

/**
 * What each role may read (DESIGN.md §5): console users and CI tokens see the whole fleet; an endpoint sees
 * its own status and operations and its own pool's target and analysis.
 */
export function roleCanSee(principal: EventsPrincipal, event: ServerEvent): boolean {
  if (principal.role !== 'endpoint') return true;
  const data = event.data as { endpoint_id?: unknown; pool_id?: unknown };
  switch (event.type) {
    case 'endpoint.status':
    case 'operation.updated':
      return principal.endpoint_id !== undefined && data.endpoint_id === principal.endpoint_id;
    case 'pool.target_changed':
    case 'repositories.analyzed':
      return typeof principal.pool_id === 'string' && data.pool_id === principal.pool_id;
    default:
      return false;
  }
}

/**
 * The default until authentication lands: EVERY client is let in, token or not, as a viewer that sees every
 * event — the same openness as the REST API has today. The auth module must replace it with a verifier of
 * JWTs, API tokens and endpoint tokens that returns null for a missing or bad token and keeps
 * {@link roleCanSee} as its filter.
 */
export class OpenEventsAuthenticator extends EventsAuthenticator {
  readonly credentialChanges$ = EMPTY;

  async authenticate(): Promise<EventsPrincipal> {
    return { role: 'viewer' };
  }

  canSee(principal: EventsPrincipal, event: ServerEvent): boolean {
    return roleCanSee(principal, event);
  }

  async admitUpgrade(): Promise<null> {
    return null;
  }
}

/** The subprotocol a client offers beside `bearer.<token>`; the server selects it so the token is not echoed. */
export const EVENTS_SUBPROTOCOL = 'pacman-sync.v1';
const BEARER_SUBPROTOCOL_PREFIX = 'bearer.';

/**
 * The bearer token of an upgrade request, from (in this order) `Authorization: Bearer <token>`,
 * `?access_token=<token>` (browsers cannot set headers on a WebSocket), or a `Sec-WebSocket-Protocol` entry
 * `bearer.<token>`. Null when none is present; an empty or malformed value counts as none.
 */
export function extractEventsToken(request: Pick<IncomingMessage, 'headers' | 'url'>): string | null {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  const query = queryToken(request.url);
  if (query) return query;
  for (const protocol of offeredSubprotocols(request)) {
    if (
      protocol.startsWith(BEARER_SUBPROTOCOL_PREFIX) &&
      protocol.length > BEARER_SUBPROTOCOL_PREFIX.length
    ) {
      return protocol.slice(BEARER_SUBPROTOCOL_PREFIX.length);
    }
  }
  return null;
}

function queryToken(url: string | undefined): string | null {
  try {
    return new URL(url ?? '/', 'http://localhost').searchParams.get('access_token');
  } catch {
    // A request target that is no URL carries no token; the caller decides what no token means.
    return null;
  }
}

export function offeredSubprotocols(request: Pick<IncomingMessage, 'headers'>): string[] {
  const header = request.headers['sec-websocket-protocol'];
  if (typeof header !== 'string') return [];
  return header
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}
