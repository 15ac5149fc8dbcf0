import { PoolsService } from '../src/pools/pools.service';
import { expectError, startTestApp, TestApp } from './support/test-app';
import { testEngine } from './support/test-database';

describe(`error answers over HTTP on ${testEngine()}`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
  });

  it('answers a bug with 500 INTERNAL_ERROR carrying the request id and no internals', async () => {
    // The one place a fault is injected: a service that breaks the way a real bug would.
    jest
      .spyOn(t.app.get(PoolsService), 'list')
      .mockRejectedValueOnce(new TypeError("reading 'secret_column' of undefined"));
    const response = await t.http.get('/api/pools').set('x-request-id', 'trace-me-123');
    const error = expectError(response, 500, 'INTERNAL_ERROR');
    expect(error).toMatchObject({
      message: 'Internal server error',
      details: { request_id: 'trace-me-123' },
    });
    expect(response.headers['x-request-id']).toBe('trace-me-123');
    expect(response.text).not.toContain('secret_column');
    expect(response.text).not.toMatch(/at \w+ \(/);
  });

  it('generates a request id when the client sends none or a hostile one', async () => {
    const plain = await t.http.get('/api/pools').expect(200);
    expect(plain.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const hostile = await t.http.get('/api/pools').set('x-request-id', 'a b\tc<script>').expect(200);
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('treats an empty JSON body as no body, and a whitespace-only one too', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const body of ['', '  \n']) {
      const response = await t.http
        .post(`/api/endpoints/${missing}/sync`)
        .set('content-type', 'application/json')
        .send(body);
      expectError(response, 404, 'NOT_FOUND');
    }
    expectError(
      await t.http.post('/api/pools').set('content-type', 'application/json').send(''),
      400,
      'VALIDATION_ERROR',
    );
  });

  it('refuses prototype-poisoning JSON', async () => {
    expectError(
      await t.http
        .post('/api/pools')
        .set('content-type', 'application/json')
        .send('{"__proto__": {"admin": true}, "name": "p"}'),
      400,
      'VALIDATION_ERROR',
    );
  });

  it('answers unknown routes and methods with 404 in the error shape', async () => {
    expectError(await t.http.patch('/api/pools'), 404, 'NOT_FOUND');
    expectError(
      await t.http.get('/api/endpoints/00000000-0000-4000-8000-000000000000/unknown'),
      404,
      'NOT_FOUND',
    );
  });
});
