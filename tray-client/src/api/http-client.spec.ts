import { createServer } from 'node:net';

import { apiError, HttpTestServer, json, reply } from '../../test/support/http-test-server';
import { ApiError, InvalidResponseError, ServerUnreachableError } from './api-error';
import { HttpClient, HttpClientOptions, parseRetryAfter } from './http-client';
import { LatestReportQueue } from './latest-report-queue';
import { PacmanSyncApi } from './pacman-sync-api';

const ENDPOINT_ID = '0b7c9d2e-4a1f-4c3b-9e8d-1a2b3c4d5e6f';

describe('HttpClient against a real HTTP server', () => {
  let server: HttpTestServer;
  let delays: number[];

  beforeEach(async () => {
    server = await HttpTestServer.start();
    delays = [];
  });
  afterEach(() => server.close());

  function client(options: Partial<HttpClientOptions> = {}): HttpClient {
    return new HttpClient({
      serverUrl: server.url,
      token: 'pse_secret-token',
      random: () => 0.5,
      sleep: async (ms) => {
        delays.push(ms);
      },
      ...options,
    });
  }

  it('sends the bearer token, JSON body and query under /api and parses the answer', async () => {
    server.answer(reply(200, { known: true, changed: false, state_id: null, sync_status: 'in_sync' }));
    const api = new PacmanSyncApi(client());
    const answer = await api.reportState(ENDPOINT_ID, { content_hash: `sha256:${'a'.repeat(64)}` });
    expect(answer.sync_status).toBe('in_sync');
    const [request] = server.requests;
    expect(request.method).toBe('POST');
    expect(request.url).toBe(`/api/endpoints/${ENDPOINT_ID}/state`);
    expect(request.headers.authorization).toBe('Bearer pse_secret-token');
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({ content_hash: `sha256:${'a'.repeat(64)}` });

    server.answer(reply(200, { items: [], total: 0, limit: 50, offset: 0 }));
    await api.listOperations({ endpoint_id: ENDPOINT_ID, status: 'pending' });
    expect(server.requests[1].url).toBe(`/api/operations?endpoint_id=${ENDPOINT_ID}&status=pending`);
  });

  it('maps the design error shape to an ApiError with code, message and details, without retrying 4xx', async () => {
    server.answer(
      apiError(409, 'SYNC_CONFLICT', 'two packages unavailable', { conflicting_packages: ['a', 'b'] }),
    );
    const failure = await client()
      .post('/endpoints/x/sync', {}, { idempotent: false })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({
      status: 409,
      code: 'SYNC_CONFLICT',
      message: 'two packages unavailable',
      details: { conflicting_packages: ['a', 'b'] },
    });
    expect(server.requests).toHaveLength(1);

    for (const [status, code] of [
      [400, 'VALIDATION_ERROR'],
      [401, 'UNAUTHENTICATED'],
      [403, 'FORBIDDEN'],
      [404, 'NOT_FOUND'],
    ] as const) {
      server.answer(apiError(status, code));
      await expect(client().get('/anything')).rejects.toMatchObject({ status, code });
    }
    expect(server.requests).toHaveLength(5);
    expect(delays).toEqual([]);
  });

  it('gives a readable error for answers that are not the design shape, with control characters removed', async () => {
    server.answer((_request, response) => {
      response.writeHead(502, 'Bad Gateway', { 'content-type': 'text/html' });
      response.end('<html>\u001b[2Jproxy error</html>');
    });
    await expect(client({ retry: { maxAttempts: 1 } }).get('/pools')).rejects.toMatchObject({
      status: 502,
      code: 'HTTP_502',
      message: 'server answered HTTP 502 Bad Gateway',
    });
    server.answer(apiError(500, 'INTERNAL_ERROR', 'line one\n\u001b[31mred\u0007'));
    await expect(client({ retry: { maxAttempts: 1 } }).get('/pools')).rejects.toMatchObject({
      code: 'INTERNAL_ERROR',
      message: 'line one [31mred',
    });
  });

  it('retries 5xx on idempotent requests with exponential backoff and jitter, then succeeds', async () => {
    server.answer(apiError(503, 'UNAVAILABLE'), apiError(500, 'INTERNAL_ERROR'), apiError(502, 'BAD'));
    server.answer(reply(200, { items: [], total: 0, limit: 50, offset: 0 }));
    const page = await client().get<{ total: number }>('/pools');
    expect(page.total).toBe(0);
    expect(server.requests).toHaveLength(4);
    // random() = 0.5 → three quarters of 500·2^(n-1).
    expect(delays).toEqual([375, 750, 1500]);
  });

  it('caps the backoff and gives up after maxAttempts with the last error', async () => {
    server.otherwise(apiError(503, 'UNAVAILABLE', 'database down'));
    const http = client({
      retry: { maxAttempts: 6, initialDelayMs: 1000, maxDelayMs: 4000 },
      random: () => 1,
    });
    await expect(http.get('/pools')).rejects.toMatchObject({ code: 'UNAVAILABLE', message: 'database down' });
    expect(server.requests).toHaveLength(6);
    expect(delays).toEqual([1000, 2000, 4000, 4000, 4000]);
  });

  it('honours Retry-After on 429, in seconds and as an HTTP date', async () => {
    server.answer(apiError(429, 'RATE_LIMITED'), reply(200, { ok: true }));
    await client().get('/pools');
    // 429 is answered without server work, so even a non-idempotent request may be sent again.
    server.answer((_request, response) => {
      json(response, 429, { error: { code: 'RATE_LIMITED', message: 'slow down' } }, { 'retry-after': '7' });
    });
    server.answer(reply(201, { id: ENDPOINT_ID }));
    await client().post('/endpoints', { name: 'x' }, { idempotent: false });
    expect(delays[0]).toBe(375);
    expect(delays[1]).toBe(7000);
    expect(
      parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2030, 0, 1)),
    ).toBe(30_000);
    expect(parseRetryAfter('soon')).toBeNull();
  });

  it('does not wait for a Retry-After beyond its limit: the caller (daemon) retries later', async () => {
    server.answer((_request, response) =>
      json(response, 429, { error: { code: 'RATE_LIMITED', message: 'later' } }, { 'retry-after': '3600' }),
    );
    const http = client({ retry: { maxRetryAfterMs: 60_000 } });
    await expect(http.get('/pools')).rejects.toMatchObject({ code: 'RATE_LIMITED', message: 'later' });
    expect(server.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('does not resend a non-idempotent request after a 500: it may have been applied', async () => {
    server.answer(apiError(500, 'INTERNAL_ERROR'));
    await expect(client().post('/operations/x/claim', {}, { idempotent: false })).rejects.toMatchObject({
      code: 'INTERNAL_ERROR',
    });
    expect(server.requests).toHaveLength(1);
  });

  it('rejects a 2xx answer that is not JSON instead of guessing', async () => {
    server.answer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('hello');
    });
    await expect(client().get('/pools')).rejects.toBeInstanceOf(InvalidResponseError);
  });

  it('times out a server that never answers and reports it unreachable', async () => {
    server.otherwise(() => undefined);
    const started = Date.now();
    const failure = await client({ timeoutMs: 200, retry: { maxAttempts: 2 } })
      .get('/pools')
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServerUnreachableError);
    expect((failure as ServerUnreachableError).reason).toBe('timed out');
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('retries a refused connection even for non-idempotent requests, then reports unreachable', async () => {
    const port = await closedPort();
    const http = new HttpClient({
      serverUrl: `http://127.0.0.1:${port}`,
      token: null,
      random: () => 0,
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
    const failure = await http.post('/endpoints', {}, { idempotent: false }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServerUnreachableError);
    expect((failure as ServerUnreachableError).reason).toBe('ECONNREFUSED');
    expect(failure).toMatchObject({ code: 'UNREACHABLE' });
    expect(delays).toEqual([250, 500, 1000, 2000]);
  });

  it('refuses ids that would change the request path', async () => {
    const api = new PacmanSyncApi(client());
    expect(() => api.getPlan('../pools')).toThrow(InvalidResponseError);
    expect(() => api.claimOperation('x?y')).toThrow(/not an id/);
    expect(server.requests).toHaveLength(0);
  });

  it('rejects a registration answer without a usable token', async () => {
    server.answer(reply(201, { endpoint: { id: ENDPOINT_ID }, token: 'two words' }));
    await expect(new PacmanSyncApi(client()).register({ name: 'a', hostname: 'a' })).rejects.toThrow(
      /unusable characters/,
    );
  });
});

describe('LatestReportQueue across an outage', () => {
  it('keeps only the newest pending report and delivers it once the server is back', async () => {
    const server = await HttpTestServer.start();
    const port = server.port;
    const http = new HttpClient({
      serverUrl: server.url,
      token: 't',
      retry: { maxAttempts: 1 },
    });
    const queue = new LatestReportQueue((report: { n: number }) =>
      http.post<{ n: number }>(`/endpoints/${ENDPOINT_ID}/state`, report, { idempotent: true }),
    );
    server.otherwise((request, response) => json(response, 200, JSON.parse(request.body)));
    expect(await queue.submit({ n: 1 })).toEqual({ n: 1 });
    expect(queue.hasPending).toBe(false);

    await server.close();
    expect(await queue.submit({ n: 2 })).toBeNull();
    expect(await queue.submit({ n: 3 })).toBeNull();
    expect(queue.hasPending).toBe(true);

    const revived = await HttpTestServer.start(port);
    try {
      revived.otherwise((request, response) => json(response, 200, JSON.parse(request.body)));
      expect(await queue.flush()).toEqual({ n: 3 });
      expect(revived.requests.map((request) => JSON.parse(request.body))).toEqual([{ n: 3 }]);
      expect(queue.hasPending).toBe(false);
      expect(await queue.flush()).toBeNull();
      expect(revived.requests).toHaveLength(1);
    } finally {
      await revived.close();
    }
  });

  it('passes server errors other than unreachability to the caller and keeps the report', async () => {
    const server = await HttpTestServer.start();
    try {
      const http = new HttpClient({ serverUrl: server.url, token: 't' });
      const queue = new LatestReportQueue((report: object) => http.post('/x', report, { idempotent: true }));
      server.answer(apiError(400, 'VALIDATION_ERROR'));
      await expect(queue.submit({})).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
      expect(queue.hasPending).toBe(true);
    } finally {
      await server.close();
    }
  });
});

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
