import { DestroyRef, inject, Injectable, InjectionToken, signal } from '@angular/core';
import { Subject } from 'rxjs';

import { SessionStore } from '../auth/session.store';

export type ServerEventType =
  'endpoint.status' | 'operation.updated' | 'pool.target_changed' | 'repositories.analyzed';

/** A server event, or a `poll` tick while the socket is down so screens refresh by polling instead. */
export interface LiveEvent {
  type: ServerEventType | 'poll';
  data: Record<string, unknown>;
  timestamp: string;
}

export type ConnectionState = 'connecting' | 'live' | 'polling';

export interface LiveEventsOptions {
  /** How often screens refresh while the socket is down. */
  pollIntervalMs: number;
  /** First reconnect delay; doubles up to maxReconnectMs. */
  reconnectMs: number;
  maxReconnectMs: number;
}

export const LIVE_EVENTS_OPTIONS = new InjectionToken<LiveEventsOptions>('LIVE_EVENTS_OPTIONS', {
  factory: () => ({ pollIntervalMs: 15000, reconnectMs: 1000, maxReconnectMs: 30000 }),
});

const SERVER_EVENT_TYPES = new Set<string>([
  'endpoint.status',
  'operation.updated',
  'pool.target_changed',
  'repositories.analyzed',
]);

/**
 * WS /api/events with a polling fallback. The token travels as a `bearer.<token>` subprotocol rather than in
 * the URL, so it stays out of proxy logs. While the socket is down a `poll` tick goes out every
 * pollIntervalMs and reconnects are retried with backoff; screens treat both alike ("something may have
 * changed, reload what you show").
 */
@Injectable({ providedIn: 'root' })
export class LiveEventsService {
  private readonly session = inject(SessionStore);
  private readonly options = inject(LIVE_EVENTS_OPTIONS);
  private readonly subject = new Subject<LiveEvent>();
  private socket: WebSocket | null = null;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private reconnectDelay = 0;
  private running = false;

  readonly connection = signal<ConnectionState>('connecting');
  readonly events$ = this.subject.asObservable();

  start(): void {
    if (this.running) return;
    this.running = true;
    this.reconnectDelay = this.options.reconnectMs;
    this.connect();
  }

  stop(): void {
    this.running = false;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'signed out');
    this.connection.set('connecting');
  }

  /** Calls `handler` for events of `types` (and poll ticks) until the caller's DestroyRef fires. */
  listen(
    types: readonly ServerEventType[],
    handler: (event: LiveEvent) => void,
    destroyRef = inject(DestroyRef),
  ): void {
    const wanted = new Set<string>(types);
    const subscription = this.subject.subscribe((event) => {
      if (event.type === 'poll' || wanted.has(event.type)) handler(event);
    });
    destroyRef.onDestroy(() => subscription.unsubscribe());
  }

  private connect(): void {
    const token = this.session.token();
    if (!this.running || !token || typeof WebSocket === 'undefined') {
      this.fallBackToPolling();
      return;
    }
    const url = new URL('/api/events', location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    let socket: WebSocket;
    try {
      socket = new WebSocket(url.toString(), ['pacman-sync.v1', `bearer.${token}`]);
    } catch {
      this.fallBackToPolling();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.connection.set('live');
      this.reconnectDelay = this.options.reconnectMs;
      this.stopPolling();
      // Whatever happened while the socket was down is only visible by reloading once.
      this.emitPoll();
    };
    socket.onmessage = (message) => this.dispatch(message.data);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.fallBackToPolling();
    };
  }

  private dispatch(raw: unknown): void {
    if (typeof raw !== 'string') return;
    try {
      const parsed = JSON.parse(raw) as Partial<LiveEvent>;
      if (typeof parsed.type !== 'string' || !SERVER_EVENT_TYPES.has(parsed.type)) return;
      this.subject.next({
        type: parsed.type,
        data: typeof parsed.data === 'object' && parsed.data !== null ? parsed.data : {},
        timestamp: typeof parsed.timestamp === 'string' ? parsed.timestamp : new Date().toISOString(),
      });
    } catch {
      // A frame that is not JSON is not an event; the next poll or event brings the screen up to date.
    }
  }

  private fallBackToPolling(): void {
    if (!this.running) return;
    this.connection.set('polling');
    if (!this.pollTimer) this.pollTimer = setInterval(() => this.emitPoll(), this.options.pollIntervalMs);
    if (!this.reconnectTimer && this.session.token()) {
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = null;
        this.connect();
      }, this.reconnectDelay);
      this.reconnectDelay = Math.min(this.reconnectDelay * 2, this.options.maxReconnectMs);
    }
  }

  private emitPoll(): void {
    this.subject.next({ type: 'poll', data: {}, timestamp: new Date().toISOString() });
  }

  private stopPolling(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  private clearTimers(): void {
    this.stopPolling();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }
}
