import { randomUUID } from 'node:crypto';

import { expectError, startTestApp, TestApp } from '../../test/support/test-app';
import { testEngine } from '../../test/support/test-database';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

// One sample line of the text exposition format: name, optional {label="value",...}, value. prom-client
// writes NaN as `Nan`; Prometheus parses floats case-insensitively, so both spellings are valid.
const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|Na[Nn]|[+-]Inf)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the exposition text strictly: every line is a comment or a well-formed sample. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const match = SAMPLE_LINE.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key] = value;
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find(
    (sample) =>
      sample.name === name && Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted),
  )?.value;
}

describe(`GET /api/metrics on ${testEngine()}`, () => {
  let t: TestApp;

  async function scrape(app: TestApp = t): Promise<Sample[]> {
    const response = await app.http.get('/api/metrics').expect(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    return parseExposition(response.text);
  }

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers the Prometheus text format with HTTP, domain, event and process metrics', async () => {
    const response = await t.http.get('/api/metrics').expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
    for (const family of [
      'http_requests_total counter',
      'http_request_duration_seconds histogram',
      'pacman_sync_endpoints gauge',
      'pacman_sync_operations gauge',
      'pacman_sync_database_up gauge',
      'pacman_sync_events_total counter',
      'pacman_sync_events_connections gauge',
      'pacman_sync_events_dropped_total counter',
      'process_cpu_user_seconds_total counter',
      'process_resident_memory_bytes gauge',
      'nodejs_eventloop_lag_seconds gauge',
    ]) {
      expect(response.text).toContain(`# TYPE ${family}\n`);
    }
    const samples = parseExposition(response.text);
    expect(value(samples, 'pacman_sync_database_up')).toBe(1);
    // Every status has a series from the start, so dashboards never see one appear or vanish.
    for (const status of ['unknown', 'in_sync', 'behind', 'ahead', 'diverged', 'offline']) {
      expect(value(samples, 'pacman_sync_endpoints', { status })).toBe(0);
    }
    for (const status of ['pending', 'in_progress', 'completed', 'failed', 'cancelled']) {
      expect(value(samples, 'pacman_sync_operations', { status })).toBe(0);
    }
  });

  it('wants a fleet token: a Prometheus scrape_config sends a viewer API token', async () => {
    expectError(await t.anonymous.get('/api/metrics'), 401, 'UNAUTHENTICATED');
    const viewer = await t.tokenFor('viewer');
    const scraped = await t.as(viewer).get('/api/metrics').expect(200);
    expect(scraped.text).toContain('# TYPE http_requests_total counter');
    const registered = await t.http
      .post('/api/endpoints')
      .send({ name: 'scraper', hostname: 'scraper.lan' })
      .expect(201);
    expectError(await t.as(registered.body.token).get('/api/metrics'), 403, 'FORBIDDEN');
  });

  it('counts requests by route pattern, not raw URL, and observes their latency', async () => {
    const labels = { method: 'GET', route: '/api/pools/:id', status: '404' };
    const before = await scrape();
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of ids) await t.http.get(`/api/pools/${id}`).expect(404);
    const after = await scrape();

    expect(
      (value(after, 'http_requests_total', labels) ?? 0) -
        (value(before, 'http_requests_total', labels) ?? 0),
    ).toBe(3);
    const countLabels = { method: 'GET', route: '/api/pools/:id' };
    expect(
      (value(after, 'http_request_duration_seconds_count', countLabels) ?? 0) -
        (value(before, 'http_request_duration_seconds_count', countLabels) ?? 0),
    ).toBe(3);
    expect(value(after, 'http_request_duration_seconds_bucket', { ...countLabels, le: '+Inf' })).toBe(
      value(after, 'http_request_duration_seconds_count', countLabels),
    );
    const text = after.map((sample) => JSON.stringify(sample.labels)).join('\n');
    for (const id of ids) expect(text).not.toContain(id);
  });

  it('puts every unmatched URL under one label so clients cannot mint series', async () => {
    const before = await scrape();
    for (let i = 0; i < 5; i++) await t.http.get(`/api/no-such-route/${randomUUID()}`).expect(404);
    const after = await scrape();
    const labels = { method: 'GET', route: 'unmatched', status: '404' };
    expect(
      (value(after, 'http_requests_total', labels) ?? 0) -
        (value(before, 'http_requests_total', labels) ?? 0),
    ).toBe(5);
    expect(after.filter((sample) => sample.labels.route?.includes('no-such-route'))).toEqual([]);
  });

  it('counts endpoints and operations by status from the database at scrape time', async () => {
    const before = await scrape();
    const pool = (await t.http.post('/api/pools').send({ name: 'metrics-pool' }).expect(201)).body;
    const endpointIds: string[] = [];
    for (const name of ['m-1', 'm-2']) {
      endpointIds.push((await t.registerEndpoint(name, { poolId: pool.id })).id);
    }
    await t.http
      .post(`/api/endpoints/${endpointIds[0]}/state`)
      .send({
        pacman_version: '7.0.0',
        architecture: 'x86_64',
        packages: [
          {
            package_name: 'bash',
            version: '5.2.037-1',
            repository: 'core',
            installed_size: 1,
            dependencies: [],
            install_reason: 'explicit',
          },
        ],
      })
      .expect(200);
    await t.http.post(`/api/endpoints/${endpointIds[0]}/set-latest`).expect(200);
    const after = await scrape();

    const delta = (name: string, status: string) =>
      (value(after, name, { status }) ?? 0) - (value(before, name, { status }) ?? 0);
    expect(delta('pacman_sync_endpoints', 'in_sync')).toBe(1);
    expect(delta('pacman_sync_endpoints', 'unknown')).toBe(1);
    expect(delta('pacman_sync_operations', 'completed')).toBe(1);
    expect(
      delta('pacman_sync_events_total', 'pool.target_changed') ||
        (value(after, 'pacman_sync_events_total', { type: 'pool.target_changed' }) ?? 0) -
          (value(before, 'pacman_sync_events_total', { type: 'pool.target_changed' }) ?? 0),
    ).toBe(1);
  });

  it('keeps each app’s registry its own when several run in one process', async () => {
    const other = await startTestApp();
    try {
      await other.http.get(`/api/pools/${randomUUID()}`).expect(404);
      const labels = { method: 'GET', route: '/api/pools/:id', status: '404' };
      expect(value(await scrape(other), 'http_requests_total', labels)).toBe(1);
      expect(value(await scrape(t), 'http_requests_total', labels)).toBeGreaterThanOrEqual(3);
    } finally {
      await other.close();
    }
  });
});
