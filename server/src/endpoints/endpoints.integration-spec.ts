import { DataSource } from 'typeorm';

import { expectError, startTestApp, TestApp } from '../../test/support/test-app';
import { testEngine } from '../../test/support/test-database';
import { hashEndpointToken } from './endpoint-token';
import { Endpoint } from './endpoint.entity';

describe(`endpoints API on ${testEngine()}`, () => {
  let t: TestApp;
  let poolId: string;

  beforeAll(async () => {
    t = await startTestApp();
    poolId = (await t.http.post('/api/pools').send({ name: 'desk' }).expect(201)).body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('registers an endpoint, returns its token once and stores only the hash', async () => {
    const response = await t.http
      .post('/api/endpoints')
      .send({ name: 'laptop', hostname: 'laptop.home.arpa', pool_id: poolId })
      .expect(201);
    const { endpoint, token } = response.body;
    expect(endpoint).toMatchObject({
      name: 'laptop',
      hostname: 'laptop.home.arpa',
      pool_id: poolId,
      sync_status: 'unknown',
      last_seen: null,
      report_interval: 300,
      latest_state_id: null,
    });
    const stored = await t.app.get(DataSource).getRepository(Endpoint).findOneByOrFail({ id: endpoint.id });
    expect(stored.token_hash).toBe(hashEndpointToken(token));
    expect(stored.token_hash).not.toContain(token);
    const read = (await t.http.get(`/api/endpoints/${endpoint.id}`).expect(200)).body;
    expect(read).toEqual(endpoint);
    expect(JSON.stringify(read)).not.toContain(token);
    expect((await t.http.get(`/api/pools/${poolId}`).expect(200)).body.endpoints).toEqual([endpoint.id]);
  });

  it('lists with filters and pagination', async () => {
    const other = (await t.http.post('/api/endpoints').send({ name: 'loose', hostname: 'loose' }).expect(201))
      .body;
    const inPool = (await t.http.get(`/api/endpoints?pool_id=${poolId}`).expect(200)).body;
    expect(inPool.items.every((e: { pool_id: string }) => e.pool_id === poolId)).toBe(true);
    const unknown = (await t.http.get('/api/endpoints?sync_status=unknown&limit=1').expect(200)).body;
    expect(unknown).toMatchObject({ limit: 1, offset: 0 });
    expect(unknown.total).toBeGreaterThanOrEqual(2);
    const second = (await t.http.get('/api/endpoints?limit=1&offset=1').expect(200)).body;
    expect(second.items[0].id).not.toBe(unknown.items[0].id);
    expectError(await t.http.get('/api/endpoints?sync_status=sleepy'), 400, 'VALIDATION_ERROR');
    expectError(await t.http.get('/api/endpoints?pool_id=42'), 400, 'VALIDATION_ERROR');
    await t.http.delete(`/api/endpoints/${other.endpoint.id}`).expect(204);
  });

  it('renames, moves between pools and out of them', async () => {
    const second = (await t.http.post('/api/pools').send({ name: 'desk-2' }).expect(201)).body.id;
    const { endpoint } = (
      await t.http.post('/api/endpoints').send({ name: 'mover', hostname: 'mover' }).expect(201)
    ).body;
    const moved = (
      await t.http.put(`/api/endpoints/${endpoint.id}`).send({ name: 'mover-2', pool_id: second }).expect(200)
    ).body;
    expect(moved).toMatchObject({ name: 'mover-2', pool_id: second });
    const out = (await t.http.put(`/api/endpoints/${endpoint.id}`).send({ pool_id: null }).expect(200)).body;
    expect(out.pool_id).toBeNull();
    const slower = (
      await t.http.put(`/api/endpoints/${endpoint.id}`).send({ report_interval: 600 }).expect(200)
    ).body;
    expect(slower.report_interval).toBe(600);
  });

  it('refuses unknown pools, bad bodies and unknown endpoints', async () => {
    const missingPool = '00000000-0000-4000-8000-000000000000';
    expectError(
      await t.http.post('/api/endpoints').send({ name: 'x', hostname: 'x', pool_id: missingPool }),
      404,
      'NOT_FOUND',
    );
    const error = expectError(
      await t.http.post('/api/endpoints').send({ name: 'x', hostname: 'bad host/../', report_interval: 1 }),
      400,
      'VALIDATION_ERROR',
    );
    expect((error.details!.fields as Array<{ field: string }>).map((f) => f.field).sort()).toEqual([
      'hostname',
      'report_interval',
    ]);
    expectError(await t.http.post('/api/endpoints').send({}), 400, 'VALIDATION_ERROR');
    expectError(await t.http.put(`/api/endpoints/${missingPool}`).send({ name: 'y' }), 404, 'NOT_FOUND');
    expectError(
      await t.http.put(`/api/endpoints/${missingPool}`).send({ token_hash: 'y' }),
      400,
      'VALIDATION_ERROR',
    );
    expectError(await t.http.get(`/api/endpoints/${missingPool}`), 404, 'NOT_FOUND');
    expectError(await t.http.delete(`/api/endpoints/${missingPool}`), 404, 'NOT_FOUND');
    expectError(await t.http.get('/api/endpoints/zzz'), 400, 'VALIDATION_ERROR');
  });

  it('deletes an endpoint', async () => {
    const { endpoint } = (
      await t.http.post('/api/endpoints').send({ name: 'gone', hostname: 'gone' }).expect(201)
    ).body;
    await t.http.delete(`/api/endpoints/${endpoint.id}`).expect(204);
    expectError(await t.http.get(`/api/endpoints/${endpoint.id}`), 404, 'NOT_FOUND');
  });
});
