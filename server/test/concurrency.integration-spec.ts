import { DataSource } from 'typeorm';

import { SyncOperation } from '../src/sync/sync-operation.entity';
import { SyncService } from '../src/sync/sync.service';
import { makeState, repositoriesOffering } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';
import { testEngine } from './support/test-database';

// Against a listening server with real sockets (supertest sends to the port the app listens on, one
// connection per request), so the requests truly overlap inside the server and, on PostgreSQL, in the
// database: the partial unique index must be what lets exactly one through.
describe(`concurrent requests on ${testEngine()}`, () => {
  let t: TestApp;
  let lagging: string;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    const pool = (await t.http.post('/api/pools').send({ name: 'race' }).expect(201)).body;
    const reference = makeState(300, { seed: 7 });
    const behind = makeState(300, { seed: 7, version: (_name, base) => base.replace(/-(\d+)$/, '-0') });
    const ids: string[] = [];
    for (const [name, state] of [
      ['ref', reference],
      ['lagging', behind],
    ] as const) {
      const { id } = await t.registerEndpoint(name, { poolId: pool.id });
      await t.http.post(`/api/endpoints/${id}/state`).send(state).expect(200);
      await t.http
        .post(`/api/endpoints/${id}/repositories`)
        .send({ repositories: repositoriesOffering(reference) })
        .expect(200);
      ids.push(id);
    }
    await t.http.post(`/api/endpoints/${ids[0]}/set-latest`).expect(200);
    lagging = ids[1];
  });

  afterAll(async () => {
    await t?.close();
  });

  const post = async (path: string) => {
    const response = await t.http.post(path);
    return { status: response.status, body: response.body as { id?: string; error?: { code: string } } };
  };

  it('50 simultaneous sync requests for one endpoint create exactly one operation', async () => {
    // Counts requests inside SyncService at once, to show they really overlapped.
    const service = t.app.get(SyncService);
    const original = service.sync.bind(service);
    let inFlight = 0;
    let maxInFlight = 0;
    const spy = jest.spyOn(service, 'sync').mockImplementation(async (...args) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        return await original(...args);
      } finally {
        inFlight--;
      }
    });
    const results = await Promise.all(
      Array.from({ length: 50 }, () => post(`/api/endpoints/${lagging}/sync`)),
    );
    spy.mockRestore();
    // On PostgreSQL the handlers interleave across pooled connections. better-sqlite3 is synchronous, so
    // one process runs each handler to its end between socket reads; there the 49 refusals can only come
    // from the index too, because the service never checks for an active operation before inserting.
    if (testEngine() === 'postgres') expect(maxInFlight).toBeGreaterThan(1);
    const created = results.filter((result) => result.status === 201);
    const refused = results.filter((result) => result.status === 409);
    expect({ created: created.length, refused: refused.length }).toEqual({ created: 1, refused: 49 });
    expect(new Set(refused.map((result) => result.body.error?.code))).toEqual(new Set(['SYNC_CONFLICT']));
    const active = (await t.http.get(`/api/operations?endpoint_id=${lagging}&status=pending`).expect(200))
      .body;
    expect(active.total).toBe(1);
    expect(active.items[0].id).toBe(created[0].body.id);
  });

  it('the database itself refuses a second active sync or revert for the endpoint', async () => {
    const operations = t.app.get(DataSource).getRepository(SyncOperation);
    const row = {
      endpoint_id: lagging,
      operation_type: 'revert' as const,
      status: 'pending' as const,
      created_at: new Date(),
    };
    await expect(operations.insert(row)).rejects.toThrow(/unique|duplicate/i);
    // set_latest operations and finished ones are not constrained.
    await operations.insert({ ...row, operation_type: 'set_latest', status: 'completed' });
    await operations.insert({ ...row, status: 'failed' });
  });

  it('20 simultaneous claims of one operation: exactly one wins', async () => {
    const pending = (await t.http.get(`/api/operations?endpoint_id=${lagging}&status=pending`).expect(200))
      .body;
    const operationId = pending.items[0].id as string;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => post(`/api/operations/${operationId}/claim`)),
    );
    expect(results.filter((result) => result.status === 200)).toHaveLength(1);
    expect(
      results.filter((result) => result.status === 409 && result.body.error?.code === 'SYNC_CONFLICT'),
    ).toHaveLength(19);
  });
});
