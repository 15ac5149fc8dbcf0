import { randomUUID } from 'node:crypto';

import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Client, type ClientConfig, type Notification } from 'pg';

import { EventBus, EventListener, LocalEventBus } from './event-bus';
import { BusMessage, CREDENTIAL_CHANGED, EVENT_TYPES } from './events.service';

/** The channel every instance LISTENs on. */
export const EVENTS_CHANNEL = 'pacman_sync_events';
/** application_name of the dedicated connection, so operators (and tests) can find it in pg_stat_activity. */
export const EVENTS_APPLICATION_NAME = 'pacman-sync-events';
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more (default build); stay clear of the edge. */
export const NOTIFY_PAYLOAD_LIMIT_BYTES = 7900;
/** Raw bytes per piece of a split event: base64 makes 5,000 bytes 6,668 ASCII characters, plus the envelope. */
const PIECE_BYTES = 5000;
/** Pieces of a split event that never complete (their sender died mid-way) are forgotten after this. */
const PARTIAL_TTL_MS = 30_000;

/** A whole event, or one piece of a split one. `o` is the sending instance, so it skips its own. */
type Envelope = { o: string; e: BusMessage } | { o: string; m: string; i: number; n: number; b: string };

export interface PgNotifyEventBusOptions {
  connectionString: string;
  /** Warnings and errors about the dedicated connection; never throws. */
  log: (level: 'warn' | 'error' | 'info', message: string, error?: unknown) => void;
  /** First reconnect delay; doubles per failed attempt up to maxBackoffMs, with ±20 % jitter. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often the idle connection is checked with SELECT 1 (a dead peer may send no RST for minutes). */
  pingIntervalMs?: number;
  /** Events kept while disconnected, sent after reconnecting; beyond this the oldest are dropped. */
  maxPendingEvents?: number;
  /** Shown in pg_stat_activity; defaults to {@link EVENTS_APPLICATION_NAME}. */
  applicationName?: string;
  /** Called after a reconnect: events of other instances sent while disconnected were missed. */
  onReconnect?: () => void;
}

/**
 * The {@link EventBus} for several instances on one PostgreSQL. An event is delivered to this instance's
 * subscribers at once (as the local bus does) and sent with NOTIFY on a dedicated connection; every instance
 * LISTENs on that connection and hands other instances' events to its own subscribers, skipping its own by
 * origin id — so each subscriber sees each event exactly once, wherever it was published.
 *
 * The dedicated connection reconnects with exponential backoff whenever it drops (PostgreSQL restart,
 * network), re-LISTENs, and then sends what was published meanwhile. Events larger than NOTIFY's payload
 * limit are split into pieces sent in one statement (one transaction, so they arrive together) and put back
 * together by the receivers.
 */
export class PgNotifyEventBus implements EventBus, OnModuleInit, OnApplicationShutdown {
  readonly origin = randomUUID();
  private readonly local: LocalEventBus;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly pingIntervalMs: number;
  private readonly maxPendingEvents: number;
  private client: Client | null = null;
  private ready = false;
  private stopped = false;
  private failedAttempts = 0;
  private everConnected = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  /** Each entry is the payloads of one event (one, or its pieces), sent in publication order. */
  private readonly outbox: string[][] = [];
  private flushing: Promise<void> | null = null;
  private readonly partials = new Map<string, { pieces: (string | undefined)[]; expires: number }>();
  private readonly counters = { sent: 0, received: 0, dropped: 0, reconnects: 0 };

  constructor(private readonly options: PgNotifyEventBusOptions) {
    this.local = new LocalEventBus((error) => options.log('error', 'event listener failed', error));
    this.initialBackoffMs = options.initialBackoffMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
    this.pingIntervalMs = options.pingIntervalMs ?? 10_000;
    this.maxPendingEvents = options.maxPendingEvents ?? 1000;
  }

  publish(event: BusMessage): void {
    this.local.publish(event);
    if (this.stopped) return;
    this.outbox.push(this.encode(event));
    while (this.outbox.length > this.maxPendingEvents) {
      this.outbox.shift();
      this.counters.dropped++;
    }
    void this.flush();
  }

  subscribe(listener: EventListener): () => void {
    return this.local.subscribe(listener);
  }

  /** Whether the LISTEN connection is up; false while reconnecting. */
  isListening(): boolean {
    return this.ready;
  }

  stats(): { sent: number; received: number; dropped: number; reconnects: number; pending: number } {
    return { ...this.counters, pending: this.outbox.length };
  }

  /** Waits for the first connection so events are not missed right after boot; never fails the boot. */
  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    // Whatever the app published while shutting down still goes out, if the connection allows.
    if (this.ready && this.outbox.length > 0) await this.flush();
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    const client = this.client;
    this.client = null;
    this.ready = false;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const config: ClientConfig = {
      connectionString: this.options.connectionString,
      application_name: this.options.applicationName ?? EVENTS_APPLICATION_NAME,
      keepAlive: true,
      connectionTimeoutMillis: 5000,
      // A NOTIFY or ping that gets no answer means the connection is dead: fail it and reconnect.
      query_timeout: 5000,
    };
    const client = new Client(config);
    this.client = client;
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, null));
    client.on('notification', (message) => this.receive(message));
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.client !== client || this.stopped) return;
    this.ready = true;
    this.failedAttempts = 0;
    if (this.everConnected) {
      this.counters.reconnects++;
      this.options.log('info', 'events LISTEN connection re-established');
      this.options.onReconnect?.();
    }
    this.everConnected = true;
    this.pingTimer = setInterval(() => {
      client.query('SELECT 1').catch((error: unknown) => this.lost(client, error));
    }, this.pingIntervalMs);
    this.pingTimer.unref();
    void this.flush();
  }

  /** The connection `client` is gone (error, end, failed query): drop it and schedule the next attempt. */
  private lost(client: Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = null;
    this.ready = false;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    client.removeAllListeners('notification');
    // Keep an 'error' listener: a late socket error on the abandoned client must not crash the process.
    client.on('error', () => undefined);
    client.end().catch(() => undefined);
    if (this.stopped) return;
    const delay = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** this.failedAttempts);
    this.failedAttempts++;
    const jittered = Math.round(delay * (0.8 + Math.random() * 0.4));
    this.options.log(
      this.failedAttempts === 1 ? 'warn' : 'info',
      `events LISTEN connection lost (${describeError(error)}); reconnecting in ${jittered} ms`,
    );
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, jittered);
    this.reconnectTimer.unref();
  }

  private flush(): Promise<void> {
    this.flushing ??= this.sendPending().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async sendPending(): Promise<void> {
    while (this.outbox.length > 0 && this.ready && this.client) {
      const client = this.client;
      const payloads = this.outbox[0];
      const placeholders = payloads.map((_payload, index) => `pg_notify($1, $${index + 2})`).join(', ');
      try {
        await client.query(`SELECT ${placeholders}`, [EVENTS_CHANNEL, ...payloads]);
        this.counters.sent++;
        this.outbox.shift();
      } catch (error) {
        if (this.client === client && this.ready) {
          // The connection is fine, so this event itself was refused: sending it again would loop.
          this.outbox.shift();
          this.counters.dropped++;
          this.options.log('error', 'NOTIFY refused an event; it reached this instance only', error);
        }
        return; // otherwise the connection is being replaced; the event stays queued for it
      }
    }
  }

  private encode(event: BusMessage): string[] {
    const whole = JSON.stringify({ o: this.origin, e: event } satisfies Envelope);
    if (Buffer.byteLength(whole) <= NOTIFY_PAYLOAD_LIMIT_BYTES) return [whole];
    const bytes = Buffer.from(JSON.stringify(event));
    const messageId = randomUUID();
    const count = Math.ceil(bytes.length / PIECE_BYTES);
    return Array.from({ length: count }, (_unused, index) =>
      JSON.stringify({
        o: this.origin,
        m: messageId,
        i: index,
        n: count,
        b: bytes.subarray(index * PIECE_BYTES, (index + 1) * PIECE_BYTES).toString('base64'),
      } satisfies Envelope),
    );
  }

  private receive(message: Notification): void {
    if (message.channel !== EVENTS_CHANNEL || message.payload === undefined) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message.payload) as Envelope;
    } catch {
      this.options.log('warn', 'ignored a malformed notification on the events channel');
      return;
    }
    if (envelope.o === this.origin) return;
    const event = 'e' in envelope ? envelope.e : this.reassemble(envelope);
    if (event === null) return;
    if (!isBusMessage(event)) {
      this.options.log('warn', 'ignored a notification that is not a server event or credential notice');
      return;
    }
    this.counters.received++;
    this.local.publish(event);
  }

  private reassemble(piece: Extract<Envelope, { m: string }>): unknown {
    const now = Date.now();
    for (const [id, partial] of this.partials) if (partial.expires < now) this.partials.delete(id);
    if (
      !Number.isInteger(piece.n) ||
      piece.n < 1 ||
      piece.n > 10_000 ||
      !(piece.i >= 0 && piece.i < piece.n)
    ) {
      return null;
    }
    const partial = this.partials.get(piece.m) ?? {
      // Filled, not sparse: some() skips the holes of a sparse array and would call it complete.
      pieces: Array.from({ length: piece.n }, (): string | undefined => undefined),
      expires: now + PARTIAL_TTL_MS,
    };
    if (partial.pieces.length !== piece.n || typeof piece.b !== 'string') return null;
    partial.pieces[piece.i] = piece.b;
    this.partials.set(piece.m, partial);
    if (partial.pieces.some((entry) => entry === undefined)) return null;
    this.partials.delete(piece.m);
    try {
      return JSON.parse(
        Buffer.concat(partial.pieces.map((entry) => Buffer.from(entry!, 'base64'))).toString('utf8'),
      );
    } catch {
      return null;
    }
  }
}

function isBusMessage(value: unknown): value is BusMessage {
  const candidate = value as {
    type?: unknown;
    data?: Record<string, unknown> | null;
    timestamp?: unknown;
  } | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.data !== 'object' ||
    candidate.data === null ||
    typeof candidate.timestamp !== 'string'
  ) {
    return false;
  }
  if (candidate.type === CREDENTIAL_CHANGED) {
    const { kind, id } = candidate.data;
    return (kind === 'user' || kind === 'api_token' || kind === 'endpoint') && typeof id === 'string';
  }
  return EVENT_TYPES.includes(candidate.type as (typeof EVENT_TYPES)[number]);
}

function describeError(error: unknown): string {
  if (error === null || error === undefined) return 'connection ended';
  return error instanceof Error ? error.message : String(error);
}
