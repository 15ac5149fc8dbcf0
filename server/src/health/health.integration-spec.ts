import * as fs from 'node:fs';
import * as path from 'node:path';

import { startTestApp, TestApp } from '../../test/support/test-app';
import { testEngine } from '../../test/support/test-database';

const serverVersion = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'),
).version;

describe(`GET /api/health on ${testEngine()}`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 200 ok with the database latency, the version and the uptime, without a token', async () => {
    const response = await t.anonymous.get('/api/health').expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(Object.keys(response.body).sort()).toEqual(['database', 'status', 'uptime_s', 'version']);
    expect(response.body).toMatchObject({ status: 'ok', database: { status: 'ok' }, version: serverVersion });
    expect(Object.keys(response.body.database).sort()).toEqual(['latency_ms', 'status']);
    expect(response.body.database.latency_ms).toBeGreaterThanOrEqual(0);
    expect(response.body.database.latency_ms).toBeLessThan(2000);
    expect(Number.isInteger(response.body.uptime_s)).toBe(true);
    expect(response.body.uptime_s).toBeGreaterThanOrEqual(0);
  });

  it('ignores a token, even a bad one: probes carry none and must not be turned away', async () => {
    const response = await t.anonymous
      .get('/api/health')
      .set('authorization', 'Bearer not-a-token')
      .expect(200);
    expect(response.body.status).toBe('ok');
  });

  it('answers many simultaneous probes', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => t.anonymous.get('/api/health')));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
  });
});
