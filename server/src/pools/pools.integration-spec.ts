import { startTestApp, TestApp, expectError } from '../../test/support/test-app';
import { testEngine } from '../../test/support/test-database';

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
});
