import { DataSource } from 'typeorm';

import { startTestApp, TestApp, expectError } from '../../test/support/test-app';
import { testEngine } from '../../test/support/test-database';
import { CredentialsService } from '../auth/credentials.service';
import { Endpoint } from '../endpoints/endpoint.entity';
import { EventsService } from '../events/events.service';

describe(`pools API on ${testEngine()}`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates a pool with the default policy merged with the given fields', async () => {
    const response = await t.http
      .post('/api/pools')
      .send({ name: 'lab', description: 'lab machines', sync_policy: { exclude_packages: ['linux*'] } })
      .expect(201);
    expect(response.body).toMatchObject({
      name: 'lab',
      description: 'lab machines',
      endpoints: [],
      target_state_id: null,
      sync_policy: {
        auto_sync: false,
        exclude_packages: ['linux*'],
        include_aur: false,
        remove_extra: false,
        conflict_resolution: 'manual',
      },
    });
    expect(response.body.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lists, reads, updates and deletes pools', async () => {
    const created = (await t.http.post('/api/pools').send({ name: 'crud' }).expect(201)).body;
    const list = (await t.http.get('/api/pools?limit=1&offset=0').expect(200)).body;
    expect(list).toMatchObject({ limit: 1, offset: 0 });
    expect(list.items).toHaveLength(1);
    expect(list.total).toBeGreaterThanOrEqual(2);

    expect((await t.http.get(`/api/pools/${created.id}`).expect(200)).body.name).toBe('crud');
    const updated = await t.http
      .put(`/api/pools/${created.id}`)
      .send({ description: 'now described', sync_policy: { conflict_resolution: 'newest' } })
      .expect(200);
    expect(updated.body).toMatchObject({
      name: 'crud',
      description: 'now described',
      sync_policy: { conflict_resolution: 'newest', auto_sync: false },
    });

    await t.http.delete(`/api/pools/${created.id}`).expect(204);
    expectError(await t.http.get(`/api/pools/${created.id}`), 404, 'NOT_FOUND');
    expectError(await t.http.delete(`/api/pools/${created.id}`), 404, 'NOT_FOUND');
  });

  it('refuses a duplicate name with 409 CONFLICT', async () => {
    await t.http.post('/api/pools').send({ name: 'twice' }).expect(201);
    const error = expectError(await t.http.post('/api/pools').send({ name: 'twice' }), 409, 'CONFLICT');
    expect(error.details).toEqual({ name: 'twice' });
  });

  it('answers 404 for a pool without target and empty target history', async () => {
    const pool = (await t.http.post('/api/pools').send({ name: 'no-target' }).expect(201)).body;
    expectError(await t.http.get(`/api/pools/${pool.id}/target`), 404, 'NOT_FOUND');
    expect((await t.http.get(`/api/pools/${pool.id}/states`).expect(200)).body).toEqual({
      items: [],
      total: 0,
      limit: 50,
      offset: 0,
    });
  });

  describe('bad input', () => {
    it('lists every failing field, nested ones with their path', async () => {
      const error = expectError(
        await t.http.post('/api/pools').send({
          name: '',
          sync_policy: {
            auto_sync: 'yes',
            exclude_packages: ['ok*', 'bad pattern'],
            conflict_resolution: 'random',
          },
        }),
        400,
        'VALIDATION_ERROR',
      );
      const fields = (error.details!.fields as Array<{ field: string }>).map((field) => field.field).sort();
      expect(fields).toEqual([
        'name',
        'sync_policy.auto_sync',
        'sync_policy.conflict_resolution',
        'sync_policy.exclude_packages',
      ]);
    });

    it('rejects unknown fields', async () => {
      const error = expectError(
        await t.http.post('/api/pools').send({ name: 'x', admin: true }),
        400,
        'VALIDATION_ERROR',
      );
      expect(error.details!.fields).toEqual([
        { field: 'admin', messages: ['property admin should not exist'] },
      ]);
    });

    it('rejects an invalid UUID in the path', async () => {
      const error = expectError(await t.http.get('/api/pools/not-a-uuid'), 400, 'VALIDATION_ERROR');
      expect(error.details!.fields).toEqual([{ field: 'id', messages: ['id must be a UUID'] }]);
    });

    it('rejects malformed JSON, a wrong content type and bad pagination', async () => {
      expectError(
        await t.http.post('/api/pools').set('content-type', 'application/json').send('{"name": '),
        400,
        'VALIDATION_ERROR',
      );
      expectError(
        await t.http.post('/api/pools').set('content-type', 'text/plain').send('name=x'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      expectError(
        await t.http
          .post('/api/pools')
          .set('content-type', 'application/x-www-form-urlencoded')
          .send('name=x'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      expectError(await t.http.get('/api/pools?limit=0'), 400, 'VALIDATION_ERROR');
      expectError(await t.http.get('/api/pools?limit=abc'), 400, 'VALIDATION_ERROR');
      expectError(await t.http.get('/api/pools?offset=-1'), 400, 'VALIDATION_ERROR');
    });

    it('answers an unknown route and a body over the limit in the error shape', async () => {
      expectError(await t.http.get('/api/nothing-here'), 404, 'NOT_FOUND');
      // Paths outside /api belong to the admin console (index.html when it is built).
      expectError(
        await t.http.get('/api/pools/00000000-0000-4000-8000-000000000000/nothing'),
        404,
        'NOT_FOUND',
      );
      const huge = JSON.stringify({ name: 'x', description: 'a'.repeat(17 * 1024 * 1024) });
      expectError(
        await t.http.post('/api/pools').set('content-type', 'application/json').send(huge),
        413,
        'PAYLOAD_TOO_LARGE',
      );
    });
  });

  describe('POST /api/pools/{id}/endpoints (bulk assignment)', () => {
    const register = async (name: string, poolId?: string) =>
      (
        await t.http
          .post('/api/endpoints')
          .send({ name, hostname: `${name}.lan`, ...(poolId ? { pool_id: poolId } : {}) })
          .expect(201)
      ).body as { endpoint: { id: string; pool_id: string | null }; token: string };
    const newPool = async (name: string): Promise<string> =>
      (await t.http.post('/api/pools').send({ name }).expect(201)).body.id;
    const poolOf = async (id: string) => (await t.http.get(`/api/endpoints/${id}`).expect(200)).body.pool_id;
    const missing = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

    afterEach(() => jest.restoreAllMocks());

    it('moves every endpoint in one call, recomputes statuses, closes their sockets and is audited', async () => {
      const target = await newPool('bulk-target');
      const previous = await newPool('bulk-previous');
      const loose = await register('bulk-loose');
      const elsewhere = await register('bulk-elsewhere', previous);
      const already = await register('bulk-already', target);
      // A stored status from the old pool must not survive the move.
      await t.app
        .get(DataSource)
        .getRepository(Endpoint)
        .update({ id: elsewhere.endpoint.id }, { sync_status: 'diverged' });
      const forget = jest.spyOn(t.app.get(CredentialsService), 'forgetEndpoint');
      const publish = jest.spyOn(t.app.get(EventsService), 'publish');

      const ids = [elsewhere.endpoint.id, already.endpoint.id, loose.endpoint.id];
      const answer = (
        await t.http.post(`/api/pools/${target}/endpoints`).send({ endpoint_ids: ids }).expect(200)
      ).body;

      expect(answer.pool_id).toBe(target);
      expect([...answer.moved_ids].sort()).toEqual([elsewhere.endpoint.id, loose.endpoint.id].sort());
      expect(answer.endpoints.map((e: { id: string }) => e.id)).toEqual(ids);
      expect(answer.endpoints.every((e: { pool_id: string }) => e.pool_id === target)).toBe(true);
      expect(answer.endpoints[0].sync_status).toBe('unknown');
      expect(forget.mock.calls.map(([id]) => id).sort()).toEqual(answer.moved_ids.sort());
      expect(publish).toHaveBeenCalledWith(
        'endpoint.status',
        expect.objectContaining({
          endpoint_id: elsewhere.endpoint.id,
          pool_id: target,
          sync_status: 'unknown',
        }),
      );
      expect([...(await t.http.get(`/api/pools/${target}`).expect(200)).body.endpoints].sort()).toEqual(
        [...ids].sort(),
      );
      expect((await t.http.get(`/api/pools/${previous}`).expect(200)).body.endpoints).toEqual([]);
      const audit = (await t.http.get('/api/audit?action=assignPoolEndpoints').expect(200)).body;
      expect(audit.items[0]).toMatchObject({ outcome: 'success', target: `/api/pools/${target}/endpoints` });

      // Assigning again changes nothing: no move, no socket closed.
      forget.mockClear();
      const again = (
        await t.http.post(`/api/pools/${target}/endpoints`).send({ endpoint_ids: ids }).expect(200)
      ).body;
      expect(again.moved_ids).toEqual([]);
      expect(forget).not.toHaveBeenCalled();
    });

    it('changes nothing and names the missing ids when one endpoint or the pool does not exist', async () => {
      const target = await newPool('bulk-missing');
      const present = await register('bulk-present');
      const error = expectError(
        await t.http
          .post(`/api/pools/${target}/endpoints`)
          .send({ endpoint_ids: [present.endpoint.id, missing(1), missing(2)] }),
        404,
        'NOT_FOUND',
      );
      expect(error.details).toEqual({ pool_id: target, missing_ids: [missing(1), missing(2)] });
      expect(error.message).toContain(missing(1));
      expect(await poolOf(present.endpoint.id)).toBeNull();

      const noPool = expectError(
        await t.http.post(`/api/pools/${missing(3)}/endpoints`).send({ endpoint_ids: [present.endpoint.id] }),
        404,
        'NOT_FOUND',
      );
      expect(noPool.details).toEqual({ id: missing(3) });
      expect(await poolOf(present.endpoint.id)).toBeNull();
    });

    it('takes up to 1000 unique UUIDs and refuses anything else', async () => {
      const target = await newPool('bulk-limits');
      const present = await register('bulk-limit-member');
      const thousand = Array.from({ length: 1000 }, (_, i) => (i === 0 ? present.endpoint.id : missing(i)));
      const tooMany = expectError(
        await t.http.post(`/api/pools/${target}/endpoints`).send({ endpoint_ids: thousand }),
        404,
        'NOT_FOUND',
      );
      expect(tooMany.details!.missing_ids).toHaveLength(999);
      for (const body of [
        { endpoint_ids: [...thousand, missing(1000)] },
        { endpoint_ids: [present.endpoint.id, present.endpoint.id] },
        { endpoint_ids: [] },
        { endpoint_ids: ['not-a-uuid'] },
        { endpoint_ids: present.endpoint.id },
        { endpoint_ids: [present.endpoint.id], pool_id: target },
        {},
      ]) {
        const refused = expectError(
          await t.http.post(`/api/pools/${target}/endpoints`).send(body),
          400,
          'VALIDATION_ERROR',
        );
        expect(refused.details!.fields).not.toEqual([]);
      }
      expectError(
        await t.http.post('/api/pools/not-a-uuid/endpoints').send({ endpoint_ids: [present.endpoint.id] }),
        400,
        'VALIDATION_ERROR',
      );
      expect(await poolOf(present.endpoint.id)).toBeNull();
    });

    it('is for admins only: viewer, ci and endpoint tokens are refused', async () => {
      const target = await newPool('bulk-roles');
      const own = await register('bulk-self', target);
      const outside = await register('bulk-outside');
      const body = { endpoint_ids: [outside.endpoint.id] };
      for (const token of [await t.tokenFor('viewer'), await t.tokenFor('ci'), own.token, outside.token]) {
        expectError(await t.as(token).post(`/api/pools/${target}/endpoints`).send(body), 403, 'FORBIDDEN');
      }
      expectError(
        await t.anonymous.post(`/api/pools/${target}/endpoints`).send(body),
        401,
        'UNAUTHENTICATED',
      );
      expect(await poolOf(outside.endpoint.id)).toBeNull();
      await t
        .as(await t.tokenFor('admin'))
        .post(`/api/pools/${target}/endpoints`)
        .send(body)
        .expect(200);
      expect(await poolOf(outside.endpoint.id)).toBe(target);
    });
  });
});
