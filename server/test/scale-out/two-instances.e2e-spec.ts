import { Client } from 'pg';
import WebSocket from 'ws';

import { seedPool } from './support/fleet';
import {
  api,
  e2eDatabase,
  isErrorShape,
  login,
  ServerProcess,
  sleep,
  startServerProcess,
} from './support/server-process';

// Child processes start, restart and stop here; the project-level testTimeout does not reach hooks.
jest.setTimeout(120_000);

interface ReceivedEvent {
  type: string;
  data: Record<string, unknown>;
}

function listen(server: ServerProcess, token: string): Promise<{ ws: WebSocket; events: ReceivedEvent[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const events: ReceivedEvent[] = [];
    ws.on('message', (data) => events.push(JSON.parse(String(data)) as ReceivedEvent));
    ws.once('open', () => resolve({ ws, events }));
    ws.once('error', reject);
  });
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

// Two built servers (`node server/dist/main.js`) on different ports against one PostgreSQL database, as
// behind the compose file's reverse proxy: events, the one-active-operation rule and the periodic job must
// behave as for one server.
describe('two server processes on one PostgreSQL', () => {
  let databaseUrl: string;
  let db: Client;
  let one: ServerProcess;
  let two: ServerProcess;
  let token: string;

  beforeAll(async () => {
    databaseUrl = await e2eDatabase();
    const env = {
      DATABASE_TYPE: 'postgresql',
      DATABASE_URL: databaseUrl,
      MAINTENANCE_INTERVAL_SECONDS: '1',
      LOG_LEVEL: 'debug',
    };
    // Started together on an empty database: both run migrations at boot, which the advisory lock orders.
    [one, two] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    token = await login(one);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await Promise.all([one?.stop(), two?.stop()]);
  });

  it('applied each migration once although both instances started at the same moment', async () => {
    const rows = (await db.query('SELECT name, count(*)::int AS n FROM migrations GROUP BY name')).rows;
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.every((row: { n: number }) => row.n === 1)).toBe(true);
    // The instance that waited for the lock found nothing to do; neither logged an error.
    expect([...one.logs, ...two.logs].filter((line) => line.level >= 50)).toEqual([]);
  });

  it('a session from one instance is valid on the other (shared JWT_SECRET_KEY)', async () => {
    expect((await api(`${two.url}/api/auth/me`, { token })).status).toBe(200);
  });

  it('a WebSocket client on instance 2 receives the event caused by a request to instance 1, once', async () => {
    const onTwo = await listen(two, token);
    const onOne = await listen(one, token);
    try {
      const { poolId, reference } = await seedPool(one.url, token, 'events', 1);
      const setLatest = await api(`${one.url}/api/endpoints/${reference.id}/set-latest`, {
        method: 'POST',
        token,
      });
      expect(setLatest.status).toBe(200);
      const isTargetChange = (event: ReceivedEvent) =>
        event.type === 'pool.target_changed' && event.data.pool_id === poolId;
      await waitFor(() => onTwo.events.find(isTargetChange), 5000, 'the event on instance 2');
      await waitFor(() => onOne.events.find(isTargetChange), 5000, 'the event on instance 1');
      // Anything duplicated (delivered locally and again through NOTIFY) would have arrived by now.
      await sleep(500);
      expect(onTwo.events.filter(isTargetChange)).toHaveLength(1);
      expect(onOne.events.filter(isTargetChange)).toHaveLength(1);
      // Both instances saw the same events, in the same order.
      const summary = (events: ReceivedEvent[]) =>
        events.map((event) => `${event.type}:${String(event.data.pool_id ?? event.data.endpoint_id ?? '')}`);
      expect(summary(onTwo.events)).toEqual(summary(onOne.events));
    } finally {
      onOne.ws.close();
      onTwo.ws.close();
    }
  });

  it('revoking an API token on instance 1 closes its sockets on both instances (4401), and only those', async () => {
    const create = async (name: string) => {
      const created = await api<{ token: { id: string }; secret: string }>(`${one.url}/api/tokens`, {
        method: 'POST',
        token,
        body: { name, role: 'viewer' },
      });
      expect(created.status).toBe(201);
      return { id: created.body.token.id, secret: created.body.secret };
    };
    const revoked = await create('e2e-revoked');
    const kept = await create('e2e-kept');
    // Instance 2 has the token cached from a REST call, as a script polling it would.
    expect((await api(`${two.url}/api/pools`, { token: revoked.secret })).status).toBe(200);
    const onTwo = await listen(two, revoked.secret);
    const onOne = await listen(one, revoked.secret);
    const other = await listen(two, kept.secret);
    const closeOf = (ws: WebSocket) =>
      new Promise<{ code: number; reason: string }>((resolve) =>
        ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
      );
    const closes = [closeOf(onTwo.ws), closeOf(onOne.ws)];
    try {
      const revocation = await api(`${one.url}/api/tokens/${revoked.id}`, { method: 'DELETE', token });
      expect(revocation.status).toBe(204);
      for (const close of await Promise.all(closes)) {
        expect(close).toEqual({ code: 4401, reason: 'token revoked' });
      }
      // Instance 2 dropped its cached lookup with the notice, not credentialCacheSeconds later.
      const refused = await api(`${two.url}/api/pools`, { token: revoked.secret });
      expect(refused.status).toBe(401);
      expect(isErrorShape(refused.body, 'UNAUTHENTICATED')).toBe(true);

      const { poolId, reference } = await seedPool(one.url, token, 'after-revocation', 0);
      await api(`${one.url}/api/endpoints/${reference.id}/set-latest`, { method: 'POST', token });
      await waitFor(
        () => other.events.find((e) => e.type === 'pool.target_changed' && e.data.pool_id === poolId),
        5000,
        'the event on the socket of the other token',
      );
      expect(other.ws.readyState).toBe(WebSocket.OPEN);
      expect(other.events.some((e) => e.type === 'credential.changed')).toBe(false);
    } finally {
      for (const ws of [onTwo.ws, onOne.ws, other.ws]) ws.close();
    }
  });

  it('when an instance loses its LISTEN connection, its WebSocket clients are asked to reconnect (1012)', async () => {
    const client = await listen(two, token);
    const closed = new Promise<number>((resolve) => client.ws.once('close', (code) => resolve(code)));
    await db.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pacman-sync-events'",
    );
    expect(await closed).toBe(1012);
    // The client reconnects and events flow again from the other instance.
    const again = await listen(two, token);
    try {
      const { poolId, reference } = await seedPool(one.url, token, 'after-gap', 0);
      await api(`${one.url}/api/endpoints/${reference.id}/set-latest`, { method: 'POST', token });
      await waitFor(
        () => again.events.find((e) => e.type === 'pool.target_changed' && e.data.pool_id === poolId),
        5000,
        'the event after the reconnect',
      );
    } finally {
      again.ws.close();
    }
  });

  it('50 racing sync requests split across both instances create exactly one operation', async () => {
    const { reference, behind } = await seedPool(one.url, token, 'race', 1);
    expect(
      (await api(`${two.url}/api/endpoints/${reference.id}/set-latest`, { method: 'POST', token })).status,
    ).toBe(200);
    const endpointId = behind[0].id;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_unused, index) =>
        api(`${(index % 2 === 0 ? one : two).url}/api/endpoints/${endpointId}/sync`, {
          method: 'POST',
          token,
        }),
      ),
    );
    const created = results.filter((result) => result.status === 201);
    const refused = results.filter((result) => result.status === 409);
    expect({ created: created.length, refused: refused.length }).toEqual({ created: 1, refused: 49 });
    expect(refused.every((result) => isErrorShape(result.body, 'SYNC_CONFLICT'))).toBe(true);
    const active = await db.query(
      "SELECT id FROM sync_operations WHERE endpoint_id = $1 AND status IN ('pending', 'in_progress')",
      [endpointId],
    );
    expect(active.rows.map((row: { id: string }) => row.id)).toEqual([created[0].body.id]);
  });

  it('the maintenance job runs once per period for the whole fleet, and moves on when its runner stops', async () => {
    const runsIn = (server: ServerProcess, from: number, to: number) =>
      server.logs.filter((line) => line.msg === 'maintenance run' && line.time >= from && line.time < to)
        .length;
    const from = Date.now();
    await sleep(6000);
    const to = Date.now();
    const runs = { one: runsIn(one, from, to), two: runsIn(two, from, to) };
    // A 1 s period over 6 s: about 6 runs in all. Both instances running it would make about 12.
    expect(runs.one + runs.two).toBeGreaterThanOrEqual(4);
    expect(runs.one + runs.two).toBeLessThanOrEqual(7);
    expect(Math.min(runs.one, runs.two)).toBe(0);

    // The runner stops (SIGTERM): its session ends, and the other instance takes the job over.
    const [runner, other] = runs.one > 0 ? [one, two] : [two, one];
    const stopped = await runner.stop();
    expect(stopped).toEqual({ code: 0, signal: null });
    const handedOver = Date.now();
    await waitFor(
      () => (runsIn(other, handedOver, Number.MAX_SAFE_INTEGER) >= 2 ? true : undefined),
      8000,
      'the other instance to run the job',
    );
  });
});
