import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import request from 'supertest';
import { DataSource } from 'typeorm';

import { createApp } from '../app';
import { loadConfig } from '../config/config';
import { createDatabase, PostgresCluster, startPostgres, stopPostgres } from '../../test/support/postgres';
import { testEngine } from '../../test/support/test-database';
import { startTestApp, TestApp } from '../../test/support/test-app';
import { DATABASE_PROBE_TIMEOUT_MS } from './health.service';

function expectUnavailable(response: { status: number; body: Record<string, unknown> }): void {
  expect(response.status).toBe(503);
  // Not the error shape: the same machine-readable body as a healthy answer.
  expect(response.body).toMatchObject({
    status: 'unavailable',
    database: { status: 'unavailable', latency_ms: null },
    version: expect.any(String),
    uptime_s: expect.any(Number),
  });
}

/** pg_ctl for a cluster this file owns, as the `postgres` user when running as root. */
function pgCtl(cluster: PostgresCluster, args: string[]): void {
  const pgCtlPath = path.join(cluster.binDir, 'pg_ctl');
  const [command, commandArgs] =
    process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', pgCtlPath, ...args]] : [pgCtlPath, args];
  execFileSync(command, commandArgs, { stdio: 'pipe' });
}

/** The postmaster and its backends, to freeze a database that accepts connections but never answers. */
function clusterProcesses(cluster: PostgresCluster): number[] {
  const postmaster = Number(
    fs.readFileSync(path.join(cluster.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  const children = fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return (
          Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]) === postmaster
        );
      } catch {
        return false;
      }
    })
    .map(Number);
  return [postmaster, ...children];
}

if (testEngine() === 'postgres') {
  describe('GET /api/health when PostgreSQL goes down and comes back', () => {
    let cluster: PostgresCluster;
    let app: Awaited<ReturnType<typeof createApp>>;
    let dataDir: string;
    let frozen: number[] = [];

    beforeAll(async () => {
      // A cluster of its own: stopping the shared one would break the other test files.
      cluster = await startPostgres();
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacman-sync-health-'));
      const url = await createDatabase(cluster.adminUrl, 'health_down');
      app = await createApp(
        loadConfig({
          DATABASE_TYPE: 'postgresql',
          DATABASE_URL: url,
          DATA_DIR: dataDir,
          LOG_LEVEL: 'silent',
        }),
      );
    });
    afterAll(async () => {
      for (const pid of frozen) process.kill(pid, 'SIGCONT');
      await app?.close();
      if (cluster) stopPostgres(cluster);
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    const health = async () => {
      const response = await request(app.getHttpServer()).get('/api/health');
      return { status: response.status, body: response.body as Record<string, unknown> };
    };

    it('is ok, then 503 while the server is stopped, then ok again after it restarts', async () => {
      expect((await health()).status).toBe(200);
      pgCtl(cluster, ['-D', path.join(cluster.dir, 'data'), '-m', 'fast', '-w', 'stop']);
      expectUnavailable(await health());
      pgCtl(cluster, [
        '-D',
        path.join(cluster.dir, 'data'),
        '-o',
        `-k ${cluster.dir} -p ${cluster.port} -c listen_addresses=127.0.0.1 -c fsync=off`,
        '-l',
        path.join(cluster.dir, 'log'),
        '-w',
        'start',
      ]);
      const recovered = await health();
      expect(recovered.status).toBe(200);
      expect(recovered.body).toMatchObject({ status: 'ok', database: { status: 'ok' } });
    });

    it('answers 503 within its probe timeout when the database hangs instead of refusing', async () => {
      frozen = clusterProcesses(cluster);
      for (const pid of frozen) process.kill(pid, 'SIGSTOP');
      const started = Date.now();
      const [first, second] = await Promise.all([health(), health()]);
      const elapsed = Date.now() - started;
      expectUnavailable(first);
      expectUnavailable(second);
      expect(elapsed).toBeGreaterThanOrEqual(DATABASE_PROBE_TIMEOUT_MS - 50);
      for (const pid of frozen) process.kill(pid, 'SIGCONT');
      frozen = [];
      // The probe that timed out finishes in the background; the next one finds the database again.
      let answer = await health();
      for (let attempt = 0; attempt < 20 && answer.status !== 200; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        answer = await health();
      }
      expect(answer.status).toBe(200);
    });
  });
} else {
  describe('GET /api/health when the SQLite database is closed and reopened', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(async () => {
      await t?.close();
    });

    it('is ok, then 503 while the database is closed, then ok again once it is reopened', async () => {
      await t.anonymous.get('/api/health').expect(200);
      // Also warms the credential cache, so the scrape below needs no user lookup while the database is closed.
      expect((await t.http.get('/api/metrics').expect(200)).text).toMatch(/^pacman_sync_database_up 1$/m);
      const dataSource = t.app.get(DataSource);
      await dataSource.destroy();
      const down = await t.anonymous.get('/api/health');
      expectUnavailable(down);
      // A scrape still answers: the database gauges say it is down instead of failing the whole scrape.
      const metrics = await t.http.get('/api/metrics').expect(200);
      expect(metrics.text).toMatch(/^pacman_sync_database_up 0$/m);
      expect(metrics.text).not.toMatch(/^pacman_sync_endpoints\{/m);
      expect(metrics.text).toMatch(/^http_requests_total\{/m);
      await dataSource.initialize();
      const up = await t.anonymous.get('/api/health').expect(200);
      expect(up.body.database.status).toBe('ok');
      expect((await t.http.get('/api/metrics').expect(200)).text).toMatch(/^pacman_sync_database_up 1$/m);
    });
  });
}
