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
    const loose = (await t.http.get('/api/endpoints?unassigned=true&limit=500').expect(200)).body.items;
    expect(loose.map((e: { id: string }) => e.id)).toContain(other.endpoint.id);
    expect(loose.every((e: { pool_id: string | null }) => e.pool_id === null)).toBe(true);
    const assigned = (await t.http.get('/api/endpoints?unassigned=false&limit=500').expect(200)).body;
    expect(assigned.items.every((e: { pool_id: string | null }) => e.pool_id !== null)).toBe(true);
    expect(assigned.total).toBeGreaterThanOrEqual(1);
    expectError(await t.http.get('/api/endpoints?unassigned=yes'), 400, 'VALIDATION_ERROR');
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

  describe('search and sort', () => {
    let scope: string;
    const ids: Record<string, string> = {};
    const page = async (query: string): Promise<{ ids: string[]; total: number }> => {
      const body = (await t.http.get(`/api/endpoints?pool_id=${scope}&${query}`).expect(200)).body;
      return { ids: body.items.map((e: { id: string }) => e.id), total: body.total };
    };
    const named = (...names: string[]) => names.map((name) => ids[name]);

    beforeAll(async () => {
      scope = (await t.http.post('/api/pools').send({ name: 'search-sort' }).expect(201)).body.id;
      const fleet: Array<[string, string, string | null, string]> = [
        // name, hostname, last_seen, stored sync_status
        ['Web_01', 'web01.lan', '2026-01-01T00:00:00.000Z', 'diverged'],
        ['webX01', 'webx01.lan', '2026-01-03T00:00:00.000Z', 'in_sync'],
        ['100% up', 'db1.lan', '2026-01-02T00:00:00.000Z', 'behind'],
        ['back\\slash', 'mail.lan', null, 'unknown'],
        ['zeta', 'WEBgate.lan', null, 'ahead'],
      ];
      const stored = t.app.get(DataSource).getRepository(Endpoint);
      for (const [name, hostname, lastSeen, status] of fleet) {
        const endpoint = await t.registerEndpoint(name, { hostname, poolId: scope });
        ids[name] = endpoint.id;
        // Set directly: reaching these through check-ins would need a target and real snapshots.
        await stored.update(
          { id: endpoint.id },
          { last_seen: lastSeen === null ? null : new Date(lastSeen), sync_status: status as never },
        );
      }
    });

    it('searches name or hostname, ignoring case, with %, _ and \\ taken literally', async () => {
      expect((await page('search=WEB')).ids.sort()).toEqual(named('Web_01', 'webX01', 'zeta').sort());
      expect((await page('search=mail.LAN')).ids).toEqual(named('back\\slash'));
      expect((await page(`search=${encodeURIComponent('web_')}`)).ids).toEqual(named('Web_01'));
      expect((await page(`search=${encodeURIComponent('0%')}`)).ids).toEqual(named('100% up'));
      expect((await page(`search=${encodeURIComponent('%')}`)).ids).toEqual(named('100% up'));
      expect((await page(`search=${encodeURIComponent('\\')}`)).ids).toEqual(named('back\\slash'));
      expect(await page(`search=${encodeURIComponent("' OR 1=1 --")}`)).toEqual({ ids: [], total: 0 });
      expect((await page('search=')).total).toBe(5);
      const found = await page('search=web&limit=1');
      expect(found.total).toBe(3);
      expect(found.ids).toHaveLength(1);
    });

    it('sorts by each field both ways, id breaking ties, never-seen endpoints last', async () => {
      expect((await page('')).ids).toEqual(named('Web_01', 'webX01', '100% up', 'back\\slash', 'zeta'));
      expect((await page('sort=name')).ids).toEqual(
        named('100% up', 'back\\slash', 'Web_01', 'webX01', 'zeta'),
      );
      expect((await page('sort=name&order=desc')).ids).toEqual(
        named('zeta', 'webX01', 'Web_01', 'back\\slash', '100% up'),
      );
      expect((await page('sort=hostname')).ids).toEqual(
        named('100% up', 'back\\slash', 'Web_01', 'zeta', 'webX01'),
      );
      const neverSeen = named('back\\slash', 'zeta').sort();
      expect((await page('sort=last_seen')).ids).toEqual([
        ...named('Web_01', '100% up', 'webX01'),
        ...neverSeen,
      ]);
      expect((await page('sort=last_seen&order=desc')).ids).toEqual([
        ...named('webX01', '100% up', 'Web_01'),
        ...neverSeen.reverse(),
      ]);
      expect((await page('sort=sync_status')).ids).toEqual(
        named('Web_01', '100% up', 'zeta', 'back\\slash', 'webX01'),
      );
      expect((await page('sort=created_at&order=desc')).ids).toEqual(
        named('zeta', 'back\\slash', '100% up', 'webX01', 'Web_01'),
      );
    });

    it('pages deterministically through equal sort keys', async () => {
      const twins = (await t.http.post('/api/pools').send({ name: 'twins' }).expect(201)).body.id;
      const registered: string[] = [];
      for (let i = 0; i < 5; i++) {
        registered.push((await t.registerEndpoint('twin', { poolId: twins })).id);
      }
      for (const order of ['asc', 'desc']) {
        const seen: string[] = [];
        for (let offset = 0; offset < 5; offset += 2) {
          const body = (
            await t.http
              .get(`/api/endpoints?pool_id=${twins}&sort=name&order=${order}&limit=2&offset=${offset}`)
              .expect(200)
          ).body;
          expect(body.total).toBe(5);
          seen.push(...body.items.map((e: { id: string }) => e.id));
        }
        const byId = [...registered].sort();
        expect(seen).toEqual(order === 'asc' ? byId : byId.reverse());
      }
    });

    it('refuses unknown sorts and orders, long or repeated searches', async () => {
      for (const query of [
        'sort=token_hash',
        'sort=name%3BDROP%20TABLE%20endpoints',
        'sort=',
        'order=up',
        'order=ASC',
        `search=${'x'.repeat(256)}`,
        'search=a&search=b',
      ]) {
        const error = expectError(await t.http.get(`/api/endpoints?${query}`), 400, 'VALIDATION_ERROR');
        expect(error.details!.fields).toEqual([expect.objectContaining({ field: query.split('=')[0] })]);
      }
      expect((await page(`search=${'x'.repeat(255)}`)).total).toBe(0);
    });
  });
});
