import WebSocket from 'ws';

import type { ServerEvent } from './api-types';

export interface EventStreamOptions {
  serverUrl: string;
  token: string | null;
  onEvent: (event: ServerEvent) => void;
  /** Connected (true) or lost (false): the daemon polls while it is false. */
  onConnectionChange?: (connected: boolean) => void;
  initialDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
}

const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * WS /api/events with reconnection: exponential backoff with jitter after every drop, reset once a
 * connection has stayed up. Malformed messages are ignored (the polling fallback covers anything missed).
 */
export class EventStream {
  readonly url: string;
  private socket: WebSocket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private stopped = true;
  private connected = false;

  constructor(private readonly options: EventStreamOptions) {
    const url = new URL(`${options.serverUrl.replace(/\/+$/, '')}/api/events`);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    this.url = url.toString();
  }

  get isConnected(): boolean {
    return this.connected;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.socket?.removeAllListeners();
    this.socket?.on('error', () => undefined);
    this.socket?.terminate();
    this.socket = null;
    this.setConnected(false);
  }

  private connect(): void {
    const headers: Record<string, string> = {};
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    const socket = new WebSocket(this.url, {
      headers,
      maxPayload: MAX_MESSAGE_BYTES,
      handshakeTimeout: 10_000,
    });
    this.socket = socket;
    socket.on('open', () => {
      this.failures = 0;
      this.setConnected(true);
    });
    socket.on('message', (data) => {
      const event = parseEvent(data.toString());
      if (event) this.options.onEvent(event);
    });
    // 'close' follows 'error', so reconnection is scheduled in one place.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.setConnected(false);
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const initial = this.options.initialDelayMs ?? 1000;
    const ceiling = Math.min(this.options.maxDelayMs ?? 60_000, initial * 2 ** this.failures++);
    const delay = ceiling / 2 + ((this.options.random ?? Math.random)() * ceiling) / 2;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) this.connect();
    }, delay);
    this.timer.unref();
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    this.options.onConnectionChange?.(connected);
  }
}

function parseEvent(text: string): ServerEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const { type, data, timestamp } = value as Record<string, unknown>;
  if (typeof type !== 'string' || !data || typeof data !== 'object' || Array.isArray(data)) return null;
  return {
    type,
    data: data as Record<string, unknown>,
    timestamp: typeof timestamp === 'string' ? timestamp : '',
  };
}
