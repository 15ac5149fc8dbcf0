import type { AddressInfo } from 'node:net';
import * as net from 'node:net';

import { WebSocket } from 'ws';

import { startTestApp, TEST_ADMIN_PASSWORD, TestApp } from '../../test/support/test-app';
import { testEngine } from '../../test/support/test-database';
import { EVENTS_SUBPROTOCOL } from './events-authenticator';
import { CLOSE_CREDENTIALS_INVALID, CLOSE_SERVICE_RESTART, EventsGateway } from './events.gateway';
import { EventsService, ServerEvent } from './events.service';

/** A WebSocket client that records every event it receives and can wait for one that matches. */
class EventsClient {
  readonly received: ServerEvent[] = [];
  private waiters: Array<{ match: (event: ServerEvent) => boolean; resolve: (event: ServerEvent) => void }> =
    [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const event = JSON.parse(String(raw)) as ServerEvent;
      this.received.push(event);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.match(event)) return true;
        waiter.resolve(event);
        return false;
      });
    });
  }

  static async connect(
    url: string,
    options: { headers?: Record<string, string> } = {},
    protocols?: string[],
  ) {
    const ws = new WebSocket(url, protocols, options);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new EventsClient(ws);
  }

  next(match: (event: ServerEvent) => boolean, timeoutMs = 5000): Promise<ServerEvent> {
    const seen = this.received.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(this.received)}`)),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      });
    });
  }

  closed(): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.CLOSED)
      return Promise.resolve({ code: -1, reason: 'already closed' });
    return new Promise((resolve) =>
      this.ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
  }

  close(): void {
    this.ws.terminate();
  }
}

/** The raw HTTP answer to an upgrade request (status line and body), for refused upgrades. */
function rawUpgrade(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
    });
    let answer = '';
    socket.on('data', (chunk) => (answer += String(chunk)));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

function state(packages: Array<[string, string]>) {
  return {
    pacman_version: '7.0.0',
    architecture: 'x86_64',
    packages: packages.map(([package_name, version]) => ({
      package_name,
      version,
      repository: 'core',
      installed_size: 1024,
      dependencies: [],
      install_reason: 'explicit',
    })),
  };
}

describe(`WS /api/events on ${testEngine()}`, () => {
  let t: TestApp;
  let port: number;
  const clients: EventsClient[] = [];

  /** Connects with the admin's session token in the Authorization header unless `options` say otherwise. */
  async function connect(
    path = '/api/events',
    options: { headers?: Record<string, string> } = {},
    protocols?: string[],
  ): Promise<EventsClient> {
    const headers = options.headers ?? (protocols ? {} : { authorization: `Bearer ${t.adminToken}` });
    const client = await EventsClient.connect(
      `ws://127.0.0.1:${port}${path}`,
      { ...options, headers },
      protocols,
    );
    clients.push(client);
    return client;
  }

  async function registerEndpoint(poolId: string, name: string): Promise<string> {
    return (await t.registerEndpoint(name, { poolId })).id;
  }

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('streams endpoint.status, operation.updated and pool.target_changed driven through the REST API', async () => {
    const client = await connect();
    const pool = (await t.http.post('/api/pools').send({ name: 'events-lab' }).expect(201)).body;
    const reference = await registerEndpoint(pool.id, 'reference');
    const laggard = await registerEndpoint(pool.id, 'laggard');
    await t.http
      .post(`/api/endpoints/${reference}/state`)
      .send(
        state([
          ['bash', '5.2.037-1'],
          ['zlib', '1.3.1-2'],
        ]),
      )
      .expect(200);
    await t.http
      .post(`/api/endpoints/${laggard}/state`)
      .send(
        state([
          ['bash', '5.2.026-1'],
          ['zlib', '1.3.1-2'],
        ]),
      )
      .expect(200);

    const operation = (await t.http.post(`/api/endpoints/${reference}/set-latest`).expect(200)).body;

    const targetChanged = await client.next((event) => event.type === 'pool.target_changed');
    expect(targetChanged.data).toMatchObject({
      pool_id: pool.id,
      target_state_id: operation.target_state_id,
    });
    expect(new Date(targetChanged.timestamp).toISOString()).toBe(targetChanged.timestamp);
    expect(Object.keys(targetChanged).sort()).toEqual(['data', 'timestamp', 'type']);

    const updated = await client.next((event) => event.type === 'operation.updated');
    expect(updated.data).toMatchObject({ id: operation.id, endpoint_id: reference, status: 'completed' });

    const inSync = await client.next(
      (event) => event.type === 'endpoint.status' && event.data.endpoint_id === reference,
    );
    expect(inSync.data).toMatchObject({
      pool_id: pool.id,
      sync_status: 'in_sync',
      previous_status: 'unknown',
    });
    const behind = await client.next(
      (event) => event.type === 'endpoint.status' && event.data.endpoint_id === laggard,
    );
    expect(behind.data).toMatchObject({ sync_status: 'behind', previous_status: 'unknown' });

    // A new report that catches up is one more status change, straight from POST .../state.
    await t.http
      .post(`/api/endpoints/${laggard}/state`)
      .send(
        state([
          ['bash', '5.2.037-1'],
          ['zlib', '1.3.1-2'],
        ]),
      )
      .expect(200);
    const caughtUp = await client.next(
      (event) =>
        event.type === 'endpoint.status' &&
        event.data.endpoint_id === laggard &&
        event.data.sync_status === 'in_sync',
    );
    expect(caughtUp.data).toMatchObject({ previous_status: 'behind' });
  });

  it('sends every event to every connected client', async () => {
    const first = await connect();
    const second = await connect();
    t.app.get(EventsService).publish('repositories.analyzed', { pool_id: 'p-1', common: 3 });
    for (const client of [first, second]) {
      const event = await client.next((candidate) => candidate.type === 'repositories.analyzed');
      expect(event.data).toEqual({ pool_id: 'p-1', common: 3 });
    }
  });

  it('accepts the token in the header, the query or a bearer subprotocol, and never echoes it', async () => {
    const withHeader = await connect();
    expect(withHeader.ws.protocol).toBe('');
    const withQuery = await connect(`/api/events?access_token=${encodeURIComponent(t.adminToken)}`, {
      headers: {},
    });
    expect(withQuery.ws.readyState).toBe(WebSocket.OPEN);
    const withProtocol = await connect('/api/events', {}, [EVENTS_SUBPROTOCOL, `bearer.${t.adminToken}`]);
    expect(withProtocol.ws.protocol).toBe(EVENTS_SUBPROTOCOL);
    t.app.get(EventsService).publish('repositories.analyzed', { pool_id: 'p-forms' });
    for (const client of [withHeader, withQuery, withProtocol]) {
      await client.next((event) => event.data.pool_id === 'p-forms');
    }
  });

  it('refuses a missing or bad token with 401 before upgrading', async () => {
    const refused: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer pse_not-a-real-endpoint-token' },
      { authorization: 'Basic YTpi' },
    ];
    for (const headers of refused) {
      await expect(EventsClient.connect(`ws://127.0.0.1:${port}/api/events`, { headers })).rejects.toThrow(
        /401/,
      );
    }
    await expect(
      EventsClient.connect(`ws://127.0.0.1:${port}/api/events?access_token=${'x'.repeat(40)}`),
    ).rejects.toThrow(/401/);
  });

  it('shows an endpoint token only its own endpoint’s and its own pool’s events', async () => {
    const pool = (await t.http.post('/api/pools').send({ name: 'events-scoped' }).expect(201)).body;
    const other = (await t.http.post('/api/pools').send({ name: 'events-elsewhere' }).expect(201)).body;
    const mine = await t.registerEndpoint('scoped-mine', { poolId: pool.id });
    const neighbour = await registerEndpoint(pool.id, 'scoped-neighbour');
    const stranger = await registerEndpoint(other.id, 'scoped-stranger');
    const admin = await connect();
    const endpoint = await connect('/api/events', { headers: { authorization: `Bearer ${mine.token}` } });

    for (const id of [mine.id, neighbour, stranger]) {
      await t.http
        .post(`/api/endpoints/${id}/state`)
        .send(state([['bash', '5.2.037-1']]))
        .expect(200);
    }
    await t.http.post(`/api/endpoints/${stranger}/set-latest`).expect(200);
    await t.http.post(`/api/endpoints/${neighbour}/set-latest`).expect(200);
    // Events go out in publish order: once the admin has the last one, the endpoint has all of its own.
    await admin.next(
      (event) =>
        event.type === 'endpoint.status' &&
        event.data.endpoint_id === mine.id &&
        event.data.sync_status === 'in_sync',
    );
    await endpoint.next((event) => event.type === 'endpoint.status' && event.data.endpoint_id === mine.id);
    const seen = endpoint.received.map((event) => [event.type, event.data.endpoint_id ?? event.data.pool_id]);
    expect(seen).toEqual([
      ['pool.target_changed', pool.id],
      ['endpoint.status', mine.id],
    ]);
    expect(admin.received.some((event) => event.data.endpoint_id === stranger)).toBe(true);
  });

  it('refuses upgrades on any other path with 404 in the API error shape', async () => {
    for (const path of ['/api/events/', '/api/eventsx', '/api/pools', '/', '/api/events/../pools']) {
      const answer = await rawUpgrade(port, path);
      // `/api/events/../pools` is not normalised by the HTTP layer: it is a path of its own, so also 404.
      expect(answer).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
      const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
      expect(body.error).toMatchObject({ code: 'NOT_FOUND', details: null });
    }
    await expect(
      EventsClient.connect(`ws://127.0.0.1:${port}/api/pools`, {
        headers: { authorization: `Bearer ${t.adminToken}` },
      }),
    ).rejects.toThrow(/404/);
    // The refused upgrades left the server healthy.
    const client = await connect();
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('closes connections whose frames exceed the incoming limit', async () => {
    const client = await connect();
    const closed = client.closed();
    client.ws.send('x'.repeat(64 * 1024));
    expect((await closed).code).toBe(1009);
  });

  it('terminates a client that stops answering pings', async () => {
    const gateway = t.app.get(EventsGateway);
    const client = await connect();
    const before = gateway.stats();
    // ws answers pings automatically; pausing the socket stops it reading them, as a dead peer would.
    (client.ws as unknown as { _socket: net.Socket })._socket.pause();
    const closed = client.closed();
    gateway.checkHeartbeats();
    // Ample time for a live peer's pong on loopback (the next test shows live peers survive this).
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(gateway.stats().droppedDead).toBe(before.droppedDead);
    gateway.checkHeartbeats();
    expect(gateway.stats().droppedDead).toBe(before.droppedDead + 1);
    expect(gateway.stats().connections).toBe(before.connections - 1);
    (client.ws as unknown as { _socket: net.Socket })._socket.resume();
    await closed;
  });

  it('keeps answering clients that do answer pings', async () => {
    const gateway = t.app.get(EventsGateway);
    const client = await connect();
    const before = gateway.stats();
    for (let round = 0; round < 3; round++) {
      const pinged = new Promise<void>((resolve) => client.ws.once('ping', () => resolve()));
      gateway.checkHeartbeats();
      await pinged;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    expect(gateway.stats().droppedDead).toBe(before.droppedDead);
  });

  it('drops a consumer that does not read instead of buffering without bound', async () => {
    const gateway = t.app.get(EventsGateway);
    const client = await connect();
    (client.ws as unknown as { _socket: net.Socket })._socket.pause();
    const before = gateway.stats();
    const events = t.app.get(EventsService);
    const filler = 'x'.repeat(256 * 1024);
    // Loopback socket buffers take a few MiB before the server's own buffer starts to grow.
    for (let round = 0; round < 400 && gateway.stats().droppedSlow === before.droppedSlow; round++) {
      events.publish('repositories.analyzed', { pool_id: 'flood', filler });
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(gateway.stats().droppedSlow).toBe(before.droppedSlow + 1);
    expect(gateway.stats().connections).toBe(before.connections - 1);
  });
});

describe(`WS /api/events shutdown on ${testEngine()}`, () => {
  it('closes every client with 1012 (service restart) and refuses new upgrades', async () => {
    const t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    const port = (t.app.getHttpServer().address() as AddressInfo).port;
    const options = { headers: { authorization: `Bearer ${t.adminToken}` } };
    const clients = [
      await EventsClient.connect(`ws://127.0.0.1:${port}/api/events`, options),
      await EventsClient.connect(`ws://127.0.0.1:${port}/api/events`, options),
    ];
    const closes = clients.map((client) => client.closed());
    await t.close();
    for (const close of await Promise.all(closes)) {
      expect(close).toEqual({ code: CLOSE_SERVICE_RESTART, reason: 'service restart' });
    }
    await expect(EventsClient.connect(`ws://127.0.0.1:${port}/api/events`, options)).rejects.toThrow();
  });

  it('does not wait for a client that ignores the close frame longer than its grace period', async () => {
    const t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    const port = (t.app.getHttpServer().address() as AddressInfo).port;
    const client = await EventsClient.connect(`ws://127.0.0.1:${port}/api/events`, {
      headers: { authorization: `Bearer ${t.adminToken}` },
    });
    (client.ws as unknown as { _socket: net.Socket })._socket.pause();
    await t.close();
    expect(t.app.get(EventsGateway).stats().connections).toBe(0);
    client.close();
  });
});

describe(`WS /api/events when a credential is revoked or changed, on ${testEngine()}`, () => {
  let t: TestApp;
  let port: number;
  const clients: EventsClient[] = [];

  async function connectWith(token: string): Promise<EventsClient> {
    const client = await EventsClient.connect(`ws://127.0.0.1:${port}/api/events`, {
      headers: { authorization: `Bearer ${token}` },
    });
    clients.push(client);
    return client;
  }

  async function apiToken(name: string): Promise<{ id: string; secret: string }> {
    const created = await t.http.post('/api/tokens').send({ name, role: 'ci' }).expect(201);
    return { id: created.body.token.id as string, secret: created.body.secret as string };
  }

  async function consoleUser(
    username: string,
    role: 'viewer' | 'admin',
  ): Promise<{ id: string; token: string }> {
    const password = `${username}-password-0123`;
    const user = await t.http.post('/api/users').send({ username, password, role }).expect(201);
    const login = await t.anonymous.post('/api/auth/login').send({ username, password }).expect(200);
    return { id: user.body.id as string, token: login.body.access_token as string };
  }

  /** Publishes a marker event and waits until every client has it: proof that their connections still serve. */
  async function stillServe(clients: EventsClient[], marker: string): Promise<void> {
    t.app.get(EventsService).publish('repositories.analyzed', { pool_id: marker });
    for (const client of clients) {
      await client.next((event) => event.data.pool_id === marker);
      expect(client.ws.readyState).toBe(WebSocket.OPEN);
    }
  }

  async function refusedWith(token: string): Promise<void> {
    await expect(
      EventsClient.connect(`ws://127.0.0.1:${port}/api/events`, {
        headers: { authorization: `Bearer ${token}` },
      }),
    ).rejects.toThrow(/401/);
  }

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('DELETE /api/tokens/{id} closes the sockets of that API token with 4401, not those of another', async () => {
    const revoked = await apiToken('ws-revoked');
    const kept = await apiToken('ws-kept');
    const first = await connectWith(revoked.secret);
    const second = await connectWith(revoked.secret);
    const other = await connectWith(kept.secret);
    const admin = await connectWith(t.adminToken);
    const closes = [first.closed(), second.closed()];

    await t.http.delete(`/api/tokens/${revoked.id}`).expect(204);

    for (const close of await Promise.all(closes)) {
      expect(close).toEqual({ code: CLOSE_CREDENTIALS_INVALID, reason: 'token revoked' });
    }
    await stillServe([other, admin], 'after-token-revocation');
    // The notice itself never reaches a client.
    expect(admin.received.map((event) => event.type)).toEqual(['repositories.analyzed']);
    await refusedWith(revoked.secret);
  });

  it('rotating or revoking an endpoint token closes that endpoint’s sockets only', async () => {
    const pool = (await t.http.post('/api/pools').send({ name: 'ws-revocation' }).expect(201)).body;
    const register = (name: string) => t.registerEndpoint(name, { poolId: pool.id });
    const rotated = await register('ws-rotated');
    const revoked = await register('ws-revoked');
    const neighbour = await register('ws-neighbour');
    const onRotated = await connectWith(rotated.token);
    const onRevoked = await connectWith(revoked.token);
    const onNeighbour = await connectWith(neighbour.token);
    const rotatedClosed = onRotated.closed();
    const revokedClosed = onRevoked.closed();

    const fresh = (await t.http.post(`/api/endpoints/${rotated.id}/token`).expect(200)).body.token as string;
    expect(await rotatedClosed).toEqual({ code: CLOSE_CREDENTIALS_INVALID, reason: 'token revoked' });
    await t.http.delete(`/api/endpoints/${revoked.id}/token`).expect(204);
    expect(await revokedClosed).toEqual({ code: CLOSE_CREDENTIALS_INVALID, reason: 'token revoked' });

    await refusedWith(rotated.token);
    const reconnected = await connectWith(fresh);
    await t.http
      .post(`/api/endpoints/${neighbour.id}/state`)
      .send(state([['bash', '5.2.037-1']]))
      .expect(200);
    await t.http.post(`/api/endpoints/${neighbour.id}/set-latest`).expect(200);
    for (const client of [onNeighbour, reconnected]) {
      await client.next((event) => event.type === 'pool.target_changed' && event.data.pool_id === pool.id);
      expect(client.ws.readyState).toBe(WebSocket.OPEN);
    }
  });

  it('deleting an endpoint or moving it to another pool closes its sockets', async () => {
    const pool = (await t.http.post('/api/pools').send({ name: 'ws-endpoint-changes' }).expect(201)).body;
    const other = (await t.http.post('/api/pools').send({ name: 'ws-endpoint-moved-to' }).expect(201)).body;
    const register = (name: string) => t.registerEndpoint(name, { poolId: pool.id });
    const deleted = await register('ws-deleted');
    const moved = await register('ws-moved');
    const stays = await register('ws-stays');
    const onDeleted = await connectWith(deleted.token);
    const onMoved = await connectWith(moved.token);
    const onStays = await connectWith(stays.token);
    const deletedClosed = onDeleted.closed();
    const movedClosed = onMoved.closed();

    await t.http.delete(`/api/endpoints/${deleted.id}`).expect(204);
    expect(await deletedClosed).toEqual({ code: CLOSE_CREDENTIALS_INVALID, reason: 'token revoked' });
    await t.http.put(`/api/endpoints/${moved.id}`).send({ pool_id: other.id }).expect(200);
    expect(await movedClosed).toEqual({ code: CLOSE_CREDENTIALS_INVALID, reason: 'token changed' });

    await refusedWith(deleted.token);
    // The moved endpoint's token still works, now scoped to its new pool.
    const reconnected = await connectWith(moved.token);
    t.app.get(EventsService).publish('pool.target_changed', { pool_id: other.id, state_id: null });
    await reconnected.next(
      (event) => event.type === 'pool.target_changed' && event.data.pool_id === other.id,
    );
    // An endpoint sees only its own pool's analysis: the one left in place still gets it.
    t.app.get(EventsService).publish('repositories.analyzed', { pool_id: pool.id });
    await onStays.next((event) => event.type === 'repositories.analyzed' && event.data.pool_id === pool.id);
    expect(onStays.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('disabling, demoting or deleting a user closes its session sockets; a password change does not', async () => {
    const disabled = await consoleUser('ws-disabled', 'viewer');
    const demoted = await consoleUser('ws-demoted', 'admin');
    const deleted = await consoleUser('ws-deleted', 'viewer');
    const repassworded = await consoleUser('ws-repassworded', 'viewer');
    const sockets = {
      disabled: await connectWith(disabled.token),
      demoted: await connectWith(demoted.token),
      deleted: await connectWith(deleted.token),
      repassworded: await connectWith(repassworded.token),
      admin: await connectWith(t.adminToken),
    };
    const closes = {
      disabled: sockets.disabled.closed(),
      demoted: sockets.demoted.closed(),
      deleted: sockets.deleted.closed(),
    };

    await t.http.put(`/api/users/${disabled.id}`).send({ disabled: true }).expect(200);
    expect(await closes.disabled).toEqual({ code: CLOSE_CREDENTIALS_INVALID, reason: 'token revoked' });
    await t.http.put(`/api/users/${demoted.id}`).send({ role: 'viewer' }).expect(200);
    // Its token still works, with the new role: the client reconnects and sees what a viewer sees.
    expect(await closes.demoted).toEqual({ code: CLOSE_CREDENTIALS_INVALID, reason: 'token changed' });
    await t.http.delete(`/api/users/${deleted.id}`).expect(204);
    expect(await closes.deleted).toEqual({ code: CLOSE_CREDENTIALS_INVALID, reason: 'token revoked' });

    // A password change does not end sessions (the server never did): the socket is re-checked and kept.
    const gateway = t.app.get(EventsGateway);
    const rechecked = gateway.stats().rechecked;
    await t.http.put(`/api/users/${repassworded.id}`).send({ password: 'another-password-0123' }).expect(200);
    await until(() => gateway.stats().rechecked > rechecked);
    await stillServe([sockets.repassworded, sockets.admin], 'after-password-change');

    await refusedWith(disabled.token);
    await refusedWith(deleted.token);
    await connectWith(demoted.token);
  });
});

describe(`WS /api/events when the session expires, on ${testEngine()}`, () => {
  it('closes the socket with 4401 "token expired" when the JWT’s exp passes, and refuses it then', async () => {
    const t = await startTestApp({}, { sessionTtlSeconds: 4 });
    try {
      await t.app.listen(0, '127.0.0.1');
      const port = (t.app.getHttpServer().address() as AddressInfo).port;
      const url = `ws://127.0.0.1:${port}/api/events`;
      // A session of its own, used at once: the one startTestApp made may be near its end on a loaded machine.
      const login = await t.anonymous
        .post('/api/auth/login')
        .send({ username: 'admin', password: TEST_ADMIN_PASSWORD })
        .expect(200);
      expect(login.body.expires_in).toBe(4);
      const session: string = login.body.access_token;
      const options = { headers: { authorization: `Bearer ${session}` } };
      const client = await EventsClient.connect(url, options);
      const created = await t.as(session).post('/api/tokens').send({ name: 'lasting', role: 'viewer' });
      expect(created.status).toBe(201);
      const lasting = await EventsClient.connect(url, {
        headers: { authorization: `Bearer ${created.body.secret}` },
      });
      try {
        expect(await client.closed()).toEqual({ code: CLOSE_CREDENTIALS_INVALID, reason: 'token expired' });
        await expect(EventsClient.connect(url, options)).rejects.toThrow(/401/);
        t.app.get(EventsService).publish('repositories.analyzed', { pool_id: 'after-expiry' });
        await lasting.next((event) => event.data.pool_id === 'after-expiry');
        expect(client.received).toEqual([]);
      } finally {
        client.close();
        lasting.close();
      }
    } finally {
      await t.close();
    }
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
