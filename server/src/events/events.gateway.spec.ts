import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { HttpAdapterHost } from '@nestjs/core';
import { Subject } from 'rxjs';
import { WebSocket } from 'ws';

import { loadConfig } from '../config/config';
import { LocalEventBus } from './event-bus';
import { EventsAuthenticator, EventsPrincipal, roleCanSee } from './events-authenticator';
import { CLOSE_CREDENTIALS_INVALID, CLOSE_SERVICE_RESTART, EventsGateway } from './events.gateway';
import { CredentialRef, EventsService, ServerEvent } from './events.service';

/** Stands in for the auth module: a token table that tests may edit, and notices they send. */
class TableAuthenticator extends EventsAuthenticator {
  readonly seen: Array<string | null> = [];
  readonly credentialChanges$ = new Subject<CredentialRef>();
  /** A token listed here is answered from the table as it was, once the promise settles: a slow lookup. */
  readonly slow = new Map<string, Promise<void>>();
  constructor(readonly table: Record<string, EventsPrincipal | 'throw'>) {
    super();
  }
  async authenticate(token: string | null): Promise<EventsPrincipal | null> {
    this.seen.push(token);
    const entry = token === null ? undefined : this.table[token];
    const delay = token === null ? undefined : this.slow.get(token);
    if (delay) {
      this.slow.delete(token!);
      await delay;
    }
    if (entry === 'throw') throw new Error('token store down');
    return entry ?? null;
  }
  canSee(principal: EventsPrincipal, event: ServerEvent): boolean {
    return roleCanSee(principal, event);
  }
  async admitUpgrade(): Promise<null> {
    return null;
  }
}

function connect(
  port: number,
  headers: Record<string, string> = {},
): Promise<{ ws: WebSocket; events: ServerEvent[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`, { headers });
  const events: ServerEvent[] = [];
  ws.on('message', (raw) => events.push(JSON.parse(String(raw))));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, events }));
    ws.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += String(chunk)));
      response.on('end', () =>
        reject(
          Object.assign(new Error(`HTTP ${response.statusCode}`), { status: response.statusCode, body }),
        ),
      );
    });
    ws.once('error', reject);
  });
}

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('EventsGateway with an authenticator', () => {
  let server: http.Server;
  let port: number;
  let gateway: EventsGateway;
  let events: EventsService;
  let authenticator: TableAuthenticator;
  const sockets: WebSocket[] = [];

  beforeEach(async () => {
    server = http.createServer((_request, response) => response.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    events = new EventsService(new LocalEventBus());
    authenticator = new TableAuthenticator({
      'admin-token': { role: 'admin' },
      'endpoint-token': { role: 'endpoint', endpoint_id: 'e-1', pool_id: 'p-1' },
      'ci-token': { role: 'ci', credential: { kind: 'api_token', id: 't-1' } },
      'other-ci-token': { role: 'ci', credential: { kind: 'api_token', id: 't-2' } },
      'broken-token': 'throw',
      'short-token': { role: 'viewer', expires_at: new Date(Date.now() + 60_000) },
      'expired-token': { role: 'viewer', expires_at: new Date(Date.now() - 1000) },
    });
    const adapterHost = { httpAdapter: { getHttpServer: () => server } } as unknown as HttpAdapterHost;
    gateway = new EventsGateway(loadConfig({}), adapterHost, events, authenticator);
    gateway.onApplicationBootstrap();
  });

  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.terminate();
    await gateway.beforeApplicationShutdown();
    events.onModuleDestroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses a missing or unknown token with 401 in the API error shape', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }] as Array<Record<string, string>>) {
      const refusal = await connect(port, headers).catch((error: { status: number; body: string }) => error);
      expect(refusal).toMatchObject({ status: 401 });
      expect(JSON.parse((refusal as { body: string }).body).error).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    expect(authenticator.seen).toEqual([null, 'wrong']);
    expect(gateway.stats()).toMatchObject({ connections: 0, rejected: 2 });
  });

  it('answers 500 without details when the authenticator fails, and keeps serving', async () => {
    const failure = await connect(port, { authorization: 'Bearer broken-token' }).catch((error) => error);
    expect(failure).toMatchObject({ status: 500 });
    expect(JSON.parse(failure.body).error).toMatchObject({
      code: 'INTERNAL_ERROR',
      message: 'Internal server error',
    });
    const admin = await connect(port, { authorization: 'Bearer admin-token' });
    sockets.push(admin.ws);
    expect(admin.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('filters each event by the connection’s principal', async () => {
    const admin = await connect(port, { authorization: 'Bearer admin-token' });
    const endpoint = await connect(port, { authorization: 'Bearer endpoint-token' });
    sockets.push(admin.ws, endpoint.ws);
    events.publish('endpoint.status', { endpoint_id: 'e-2', pool_id: 'p-1', sync_status: 'behind' });
    events.publish('endpoint.status', { endpoint_id: 'e-1', pool_id: 'p-1', sync_status: 'in_sync' });
    events.publish('pool.target_changed', { pool_id: 'p-2' });
    events.publish('pool.target_changed', { pool_id: 'p-1' });
    await until(() => admin.events.length === 4);
    // Events go out in publish order, so once the admin has all four the endpoint has all of its own.
    await until(() => endpoint.events.length === 2);
    expect(
      endpoint.events.map((event) => [event.type, event.data.endpoint_id ?? event.data.pool_id]),
    ).toEqual([
      ['endpoint.status', 'e-1'],
      ['pool.target_changed', 'p-1'],
    ]);
    expect(gateway.stats()).toMatchObject({ connections: 2, accepted: 2, sent: 6 });
  });

  it('closes a connection with 4401 when its token expires, and stops sending it events', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const viewer = await connect(port, { authorization: 'Bearer short-token' });
      sockets.push(viewer.ws);
      const closed = new Promise<{ code: number; reason: string }>((resolve) =>
        viewer.ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
      );
      jest.advanceTimersByTime(59_000);
      expect(gateway.stats().connections).toBe(1);
      jest.advanceTimersByTime(2_000);
      expect(gateway.stats().connections).toBe(0);
      events.publish('pool.target_changed', { pool_id: 'after-expiry' });
      jest.useRealTimers();
      expect(await closed).toEqual({ code: CLOSE_CREDENTIALS_INVALID, reason: 'token expired' });
      expect(viewer.events).toEqual([]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('closes at once a connection whose token expired while it was being verified', async () => {
    const late = await connect(port, { authorization: 'Bearer expired-token' });
    sockets.push(late.ws);
    const code = await new Promise<number>((resolve) =>
      late.ws.once('close', (closeCode) => resolve(closeCode)),
    );
    expect(code).toBe(CLOSE_CREDENTIALS_INVALID);
  });

  function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
    return new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
  }

  it('re-checks the connections a credential notice names and closes those whose token no longer holds', async () => {
    const revoked = await connect(port, { authorization: 'Bearer ci-token' });
    const other = await connect(port, { authorization: 'Bearer other-ci-token' });
    sockets.push(revoked.ws, other.ws);
    const closed = closeOf(revoked.ws);
    delete authenticator.table['ci-token'];
    authenticator.credentialChanges$.next({ kind: 'api_token', id: 't-1' });
    expect(await closed).toEqual({ code: CLOSE_CREDENTIALS_INVALID, reason: 'token revoked' });
    // Only the named credential was asked about again.
    expect(authenticator.seen.filter((token) => token === 'other-ci-token')).toHaveLength(1);
    events.publish('pool.target_changed', { pool_id: 'after-revocation' });
    await until(() => other.events.length === 1);
    expect(other.ws.readyState).toBe(WebSocket.OPEN);
    expect(revoked.events).toEqual([]);
    expect(gateway.stats().connections).toBe(1);
  });

  it('keeps a connection whose re-checked token grants the same, closes one whose rights changed', async () => {
    const kept = await connect(port, { authorization: 'Bearer ci-token' });
    sockets.push(kept.ws);
    authenticator.credentialChanges$.next({ kind: 'api_token', id: 't-1' });
    await until(() => authenticator.seen.filter((token) => token === 'ci-token').length === 2);
    events.publish('pool.target_changed', { pool_id: 'still-open' });
    await until(() => kept.events.length === 1);

    const closed = closeOf(kept.ws);
    authenticator.table['ci-token'] = { role: 'viewer', credential: { kind: 'api_token', id: 't-1' } };
    authenticator.credentialChanges$.next({ kind: 'api_token', id: 't-1' });
    expect(await closed).toEqual({ code: CLOSE_CREDENTIALS_INVALID, reason: 'token changed' });
  });

  it('refuses an upgrade whose token was revoked while it was being checked', async () => {
    let finishLookup!: () => void;
    authenticator.slow.set('ci-token', new Promise<void>((resolve) => (finishLookup = resolve)));
    const refusal = connect(port, { authorization: 'Bearer ci-token' }).catch((error) => error);
    await until(() => authenticator.seen.includes('ci-token'));
    delete authenticator.table['ci-token'];
    authenticator.credentialChanges$.next({ kind: 'api_token', id: 't-1' });
    finishLookup();
    expect(await refusal).toMatchObject({ status: 401 });
    expect(authenticator.seen.filter((token) => token === 'ci-token')).toHaveLength(2);
  });

  it('asks a client to reconnect (1012) when its token cannot be re-checked', async () => {
    const client = await connect(port, { authorization: 'Bearer ci-token' });
    sockets.push(client.ws);
    const closed = closeOf(client.ws);
    authenticator.table['ci-token'] = 'throw';
    authenticator.credentialChanges$.next({ kind: 'api_token', id: 't-1' });
    expect((await closed).code).toBe(CLOSE_SERVICE_RESTART);
  });
});
