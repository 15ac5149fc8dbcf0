import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Subscription } from 'rxjs';
import { WebSocket, WebSocketServer } from 'ws';

import { ErrorCode } from '../common/errors/error-code';
import { writeRawError } from '../common/raw-error-response';
import { serverSecurityHeaders } from '../common/security-headers';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import {
  EVENTS_SUBPROTOCOL,
  EventsAuthenticator,
  EventsPrincipal,
  extractEventsToken,
  OpenEventsAuthenticator,
} from './events-authenticator';
import { CredentialRef, EventsService, ServerEvent } from './events.service';

export const EVENTS_PATH = '/api/events';
/** "Service restart" (RFC 6455 registry): the server goes away on purpose; clients should reconnect. */
export const CLOSE_SERVICE_RESTART = 1012;
/** Clients only listen; anything they send is ignored, and a frame larger than this closes the connection. */
const MAX_INCOMING_FRAME_BYTES = 4096;
/**
 * Application close code (the 4000–4999 private range; 401 as in HTTP): the credential the connection was
 * opened with expired, was revoked, or now grants something else. The reason says which. Reconnecting with
 * the same token is refused with 401 unless only its rights changed.
 */
export const CLOSE_CREDENTIALS_INVALID = 4401;
/** setTimeout's ceiling (about 24.8 days); a later expiry is re-armed when this fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How long shutdown waits for clients to acknowledge the close frame before cutting them off. */
const CLOSE_GRACE_MS = 2000;

interface Connection {
  principal: EventsPrincipal;
  /** The bearer token it was opened with, to re-check it when its credential changes. */
  token: string | null;
  /** Cleared at each heartbeat, set again by the pong; still clear at the next one means the peer is gone. */
  alive: boolean;
}

/** Counters since start, for /api/metrics. */
export interface EventsGatewayStats {
  connections: number;
  accepted: number;
  rejected: number;
  droppedSlow: number;
  droppedDead: number;
  sent: number;
  /** Re-checks of a connection's token after a notice about its credential, whatever their outcome. */
  rechecked: number;
  /** Closed with 4401: the credential expired, was revoked, or grants something else now. */
  closedCredentials: number;
}

/**
 * WS /api/events: the `ws` library attached to the HTTP server's `upgrade` event (Fastify itself never sees
 * the upgrade). Every event of the {@link EventsService} is serialised once and sent to each connection whose
 * principal may see it, as `{type, data, timestamp}`.
 *
 * Memory stays bounded: a connection whose unsent bytes would pass `eventsMaxBufferedBytes` is dropped (the
 * client falls back to polling and reconnects), and a peer that misses a heartbeat ping is terminated.
 */
@Injectable()
export class EventsGateway implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EventsGateway');
  private readonly connections = new Map<WebSocket, Connection>();
  /** Open connections per credential (`kind:id`), against eventsMaxConnectionsPerCredential. */
  private readonly perCredential = new Map<string, number>();
  /** Per upgrade being authenticated: the credential notices that arrived meanwhile. */
  private readonly pendingUpgrades = new Set<CredentialRef[]>();
  private readonly wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: MAX_INCOMING_FRAME_BYTES,
    // Events are small JSON; compression would cost CPU and a zlib context per connection.
    perMessageDeflate: false,
    handleProtocols: (protocols) => selectSubprotocol(protocols),
  });
  private readonly counters = {
    accepted: 0,
    rejected: 0,
    droppedSlow: 0,
    droppedDead: 0,
    sent: 0,
    rechecked: 0,
    closedCredentials: 0,
  };
  private server: Server | null = null;
  private subscription: Subscription | null = null;
  private credentialSubscription: Subscription | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private shuttingDown = false;
  private readonly authenticator: EventsAuthenticator;

  /**
   * `authenticator`: whatever a @Global() module (the auth module) exports under the EventsAuthenticator
   * class token; without one, {@link OpenEventsAuthenticator} lets everyone in.
   */
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly events: EventsService,
    @Optional() authenticator?: EventsAuthenticator,
  ) {
    this.authenticator = authenticator ?? new OpenEventsAuthenticator();
  }

  onApplicationBootstrap(): void {
    this.server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.server.on('upgrade', this.onUpgrade);
    this.subscription = this.events.events$.subscribe((event) => this.broadcast(event));
    this.credentialSubscription = this.authenticator.credentialChanges$.subscribe((credential) =>
      this.recheck(credential),
    );
    this.heartbeat = setInterval(() => this.checkHeartbeats(), this.config.eventsHeartbeatSeconds * 1000);
    this.heartbeat.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    this.server?.off('upgrade', this.onUpgrade);
    this.subscription?.unsubscribe();
    this.credentialSubscription?.unsubscribe();
    if (this.heartbeat) clearInterval(this.heartbeat);
    const open = [...this.connections.keys()];
    const closed = open.map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())));
    for (const ws of open) ws.close(CLOSE_SERVICE_RESTART, 'service restart');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(closed),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS))),
    ]);
    clearTimeout(timer);
    // The HTTP server's close waits for every socket, upgraded ones included: cut off who did not answer.
    for (const ws of this.connections.keys()) ws.terminate();
    this.connections.clear();
  }

  /**
   * Asks every client to reconnect (1012) because events may have been missed — the instance's LISTEN
   * connection was down: a client reloads what it shows when it reconnects, so it cannot stay stale.
   */
  reconnectClients(): void {
    for (const ws of this.connections.keys())
      ws.close(CLOSE_SERVICE_RESTART, 'events interrupted; reconnect');
  }

  stats(): EventsGatewayStats {
    return { connections: this.connections.size, ...this.counters };
  }

  /** One heartbeat round; the interval calls it, tests may call it directly. */
  checkHeartbeats(): void {
    for (const [ws, connection] of this.connections) {
      if (!connection.alive) {
        this.counters.droppedDead++;
        this.logger.warn('dropping an events client that did not answer the last ping');
        this.drop(ws);
        continue;
      }
      connection.alive = false;
      ws.ping();
    }
  }

  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // Until ws takes the socket over, a reset would otherwise be an unhandled 'error' event.
    const onEarlyError = () => socket.destroy();
    socket.on('error', onEarlyError);
    this.upgrade(request, socket, head, onEarlyError).catch((error: unknown) => {
      this.logger.error({ msg: 'events upgrade failed', err: error });
      this.reject(socket, 500, ErrorCode.INTERNAL_ERROR, 'Internal server error');
    });
  };

  private async upgrade(
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    onEarlyError: () => void,
  ): Promise<void> {
    if (upgradePath(request) !== EVENTS_PATH) {
      this.counters.rejected++;
      this.reject(
        socket,
        404,
        ErrorCode.NOT_FOUND,
        'No WebSocket endpoint at this path; events are at /api/events',
      );
      return;
    }
    if (this.shuttingDown) {
      this.counters.rejected++;
      this.reject(socket, 503, ErrorCode.UNAVAILABLE, 'The server is shutting down');
      return;
    }
    const token = extractEventsToken(request);
    const principal = await this.authenticateUpgrade(token);
    // Counted before any refusal, as REST requests are, so guessing tokens over upgrades is limited too.
    const retryAfter = await this.authenticator.admitUpgrade(request, principal);
    if (retryAfter !== null) {
      this.counters.rejected++;
      this.reject(socket, 429, ErrorCode.RATE_LIMITED, 'Too many requests: slow down and retry later', {
        'retry-after': String(retryAfter),
      });
      return;
    }
    if (principal === null) {
      this.counters.rejected++;
      this.reject(socket, 401, ErrorCode.UNAUTHENTICATED, 'A valid bearer token is required for /api/events');
      return;
    }
    if (this.shuttingDown) {
      this.reject(socket, 503, ErrorCode.UNAVAILABLE, 'The server is shutting down');
      return;
    }
    // Nothing awaits from here to accept(): the count cannot change in between.
    const holder = holderOf(principal);
    if (holder && (this.perCredential.get(holder) ?? 0) >= this.config.eventsMaxConnectionsPerCredential) {
      this.counters.rejected++;
      this.reject(
        socket,
        429,
        ErrorCode.RATE_LIMITED,
        `This credential already holds ${this.config.eventsMaxConnectionsPerCredential} event connections: ` +
          'close one first',
        { 'retry-after': '5' },
      );
      return;
    }
    socket.off('error', onEarlyError);
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, principal, token));
  }

  private reject(
    socket: Duplex,
    status: number,
    code: ErrorCode,
    message: string,
    headers: Record<string, string> = {},
  ): void {
    writeRawError(socket, status, code, message, { ...serverSecurityHeaders(this.config), ...headers });
  }

  /**
   * Authenticates again when a notice about the same credential arrived during the check: the answer may
   * predate the revocation, and the notice came too early to find the socket. Nothing awaits between the
   * final answer and accept(), so no notice can slip in there.
   */
  private async authenticateUpgrade(token: string | null): Promise<EventsPrincipal | null> {
    for (;;) {
      const noticed: CredentialRef[] = [];
      this.pendingUpgrades.add(noticed);
      let principal: EventsPrincipal | null;
      try {
        principal = await this.authenticator.authenticate(token);
      } finally {
        this.pendingUpgrades.delete(noticed);
      }
      const credential = principal?.credential;
      if (!credential || !noticed.some((notice) => sameCredential(notice, credential))) return principal;
    }
  }

  private accept(ws: WebSocket, principal: EventsPrincipal, token: string | null): void {
    const connection: Connection = { principal, token, alive: true };
    this.connections.set(ws, connection);
    const holder = holderOf(principal);
    if (holder) this.perCredential.set(holder, (this.perCredential.get(holder) ?? 0) + 1);
    this.counters.accepted++;
    ws.on('pong', () => {
      connection.alive = true;
    });
    ws.on('error', (error) => this.logger.debug({ msg: 'events client error', err: error }));
    const expiry = this.closeAtExpiry(ws, principal.expires_at ?? null);
    ws.on('close', () => {
      clearTimeout(expiry.timer);
      this.connections.delete(ws);
      if (!holder) return;
      const left = (this.perCredential.get(holder) ?? 1) - 1;
      if (left > 0) this.perCredential.set(holder, left);
      else this.perCredential.delete(holder);
    });
  }

  /** A token that expires mid-connection must not keep receiving events: close when it does. */
  private closeAtExpiry(ws: WebSocket, expiresAt: Date | null): { timer?: NodeJS.Timeout } {
    const handle: { timer?: NodeJS.Timeout } = {};
    if (expiresAt === null) return handle;
    const arm = () => {
      const remaining = expiresAt.getTime() - Date.now();
      if (remaining <= 0) {
        this.closeForCredentials(ws, 'token expired');
        return;
      }
      handle.timer = setTimeout(arm, Math.min(remaining, MAX_TIMER_MS));
      handle.timer.unref();
    };
    arm();
    return handle;
  }

  /** Every connection opened with that credential asks the authenticator again, with its own token. */
  private recheck(credential: CredentialRef): void {
    for (const noticed of this.pendingUpgrades) noticed.push(credential);
    for (const [ws, connection] of this.connections) {
      const opener = connection.principal.credential;
      if (!opener || !sameCredential(opener, credential)) continue;
      this.recheckConnection(ws, connection).catch((error: unknown) => {
        // Fail closed: the client reconnects, and is let in again only if its token still holds.
        this.logger.error({ msg: 'could not re-check an events client’s credentials', err: error });
        if (this.connections.get(ws) !== connection) return;
        this.connections.delete(ws);
        ws.close(CLOSE_SERVICE_RESTART, 'credentials could not be re-checked; reconnect');
      });
    }
  }

  private async recheckConnection(ws: WebSocket, connection: Connection): Promise<void> {
    let current: EventsPrincipal | null;
    try {
      current = await this.authenticator.authenticate(connection.token);
    } finally {
      this.counters.rechecked++;
    }
    if (this.connections.get(ws) !== connection) return;
    if (current === null) this.closeForCredentials(ws, 'token revoked');
    else if (!sameAccess(connection.principal, current)) this.closeForCredentials(ws, 'token changed');
  }

  private closeForCredentials(ws: WebSocket, reason: string): void {
    this.counters.closedCredentials++;
    this.connections.delete(ws);
    ws.close(CLOSE_CREDENTIALS_INVALID, reason);
  }

  private broadcast(event: ServerEvent): void {
    if (this.connections.size === 0) return;
    let payload: string | null = null;
    for (const [ws, connection] of this.connections) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (!this.authenticator.canSee(connection.principal, event)) continue;
      payload ??= JSON.stringify(event);
      if (ws.bufferedAmount + Buffer.byteLength(payload) > this.config.eventsMaxBufferedBytes) {
        this.counters.droppedSlow++;
        this.logger.warn({ msg: 'dropping a slow events client', buffered_bytes: ws.bufferedAmount });
        this.drop(ws);
        continue;
      }
      ws.send(payload);
      this.counters.sent++;
    }
  }

  /** terminate, not close: a close frame would queue behind the very data the peer is not reading. */
  private drop(ws: WebSocket): void {
    this.connections.delete(ws);
    ws.terminate();
  }
}

function sameCredential(a: CredentialRef, b: CredentialRef): boolean {
  return a.kind === b.kind && a.id === b.id;
}

/** Whether a re-checked principal sees what the connection was opened to see. */
function sameAccess(opened: EventsPrincipal, now: EventsPrincipal): boolean {
  return (
    opened.role === now.role &&
    opened.endpoint_id === now.endpoint_id &&
    (opened.pool_id ?? null) === (now.pool_id ?? null)
  );
}

function holderOf(principal: EventsPrincipal): string | null {
  return principal.credential ? `${principal.credential.kind}:${principal.credential.id}` : null;
}

function upgradePath(request: IncomingMessage): string | null {
  try {
    return new URL(request.url ?? '', 'http://localhost').pathname;
  } catch {
    return null;
  }
}

/**
 * Browsers fail a connection whose offered subprotocols the server ignores; so the server selects
 * `pacman-sync.v1` when offered (clients should offer it beside `bearer.<token>`), else the bearer entry.
 */
function selectSubprotocol(protocols: Set<string>): string | false {
  if (protocols.has(EVENTS_SUBPROTOCOL)) return EVENTS_SUBPROTOCOL;
  for (const protocol of protocols) if (protocol.startsWith('bearer.')) return protocol;
  return false;
}
