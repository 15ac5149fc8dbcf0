import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

import { Client } from 'pg';
import WebSocket from 'ws';

import { makeState } from '../support/fixtures';
import {
  api,
  e2eDatabase,
  isErrorShape,
  login,
  REPO_ROOT,
  ServerProcess,
  sleep,
  startServerProcess,
} from './support/server-process';

jest.setTimeout(120_000);

const run = promisify(execFile);
/** A request may take at most this long, outage or not: the pool's connect timeout (5 s) plus margin. */
const REQUEST_BOUND_MS = 8000;

interface Outcome {
  at: number;
  status: number | 'network-error';
  latencyMs: number;
  stateId?: string;
  errorShapeOk?: boolean;
}

/** pg_ctl on the e2e cluster, as the cluster's owner. */
async function pgCtl(...args: string[]): Promise<void> {
  const dir = process.env.TEST_PG_DIR!;
  const binary = path.join(process.env.TEST_PG_BIN_DIR!, 'pg_ctl');
  // -l: without a log file the new postmaster would keep this process's pipes open, and execFile never return.
  const full = ['-D', path.join(dir, 'data'), '-l', path.join(dir, 'log'), '-w', ...args];
  if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', binary, ...full]);
  else await run(binary, full);
}

/**
 * Two outages: `pg_ctl restart` (fast mode: sessions terminated, as a package upgrade does; down for a few
 * hundred ms), then a stop, one second down, and a start — long enough that every health probe schedule
 * sees it.
 */
const OUTAGES: { name: string; cause: () => Promise<void> }[] = [
  { name: 'pg_ctl restart', cause: () => pgCtl('-m', 'fast', 'restart') },
  {
    name: 'stop, 1 s down, start',
    cause: async () => {
      // `start` does not reuse the running server's options as `restart` does: take them from postmaster.opts.
      const opts = fs.readFileSync(path.join(process.env.TEST_PG_DIR!, 'data', 'postmaster.opts'), 'utf8');
      const words = [...opts.matchAll(/"([^"]*)"/g)].map((match) => match[1]);
      const dataIndex = words.indexOf('-D');
      if (dataIndex >= 0) words.splice(dataIndex, 2);
      await pgCtl('-m', 'fast', 'stop');
      await sleep(1000);
      await pgCtl('-o', words.join(' '), 'start');
    },
  },
];

// Steady state reports on two instances while PostgreSQL restarts: every acknowledged report must be in
// the database, every other answer a prompt 503 UNAVAILABLE in the error shape, /api/health not ready during
// the outage and ready after it, and neither process restarted.
describe('PostgreSQL restart under load, two instances', () => {
  let databaseUrl: string;
  let servers: ServerProcess[];
  let token: string;

  beforeAll(async () => {
    databaseUrl = await e2eDatabase();
    // No snapshot cleanup: every acknowledged report must still be there to be counted.
    const env = { DATABASE_TYPE: 'postgresql', DATABASE_URL: databaseUrl, AUTO_CLEANUP_OLD_STATES: 'false' };
    servers = [await startServerProcess(env)];
    servers.push(await startServerProcess(env));
    token = await login(servers[0]);
  });

  afterAll(async () => {
    await Promise.all((servers ?? []).map((server) => server.stop()));
  });

  it('fails fast with 503 during the outage, loses no acknowledged write, and recovers by itself', async () => {
    const pool = await api<{ id: string }>(`${servers[0].url}/api/pools`, {
      method: 'POST',
      token,
      body: { name: 'restart' },
    });
    const endpoints: { id: string; token: string }[] = [];
    for (let index = 0; index < 8; index++) {
      const created = await api<{ endpoint: { id: string }; token: string }>(
        `${servers[0].url}/api/endpoints`,
        {
          method: 'POST',
          token,
          body: { name: `load-${index}`, hostname: `load-${index}.lan`, pool_id: pool.body.id },
        },
      );
      expect(created.status).toBe(201);
      endpoints.push({ id: created.body.endpoint.id, token: created.body.token });
    }
    const pids = servers.map((server) => server.pid);
    const started = Date.now();

    let stop = false;
    const outcomes: Outcome[] = [];
    const health: { at: number; server: number; status: number | 'network-error' }[] = [];

    const worker = async (index: number) => {
      const endpoint = endpoints[index];
      const server = servers[index % 2];
      for (let round = 0; !stop; round++) {
        // A new version each round: every acknowledged report is a new snapshot row.
        const state = makeState(30, { seed: index, version: (_name, base) => `${base}.${round}` });
        const at = Date.now();
        try {
          const response = await api<{ state_id?: string }>(
            `${server.url}/api/endpoints/${endpoint.id}/state`,
            {
              method: 'POST',
              token: endpoint.token,
              body: state,
              timeoutMs: 30_000,
            },
          );
          outcomes.push({
            at,
            status: response.status,
            latencyMs: Date.now() - at,
            stateId: response.status === 200 ? response.body.state_id : undefined,
            errorShapeOk: response.status === 200 ? undefined : isErrorShape(response.body, 'UNAVAILABLE'),
          });
        } catch {
          outcomes.push({ at, status: 'network-error', latencyMs: Date.now() - at });
        }
        await sleep(20);
      }
    };
    const healthPoller = async (index: number) => {
      while (!stop) {
        const at = Date.now();
        const response = await api(`${servers[index].url}/api/health`, { timeoutMs: 5000 }).catch(() => null);
        health.push({ at, server: index, status: response?.status ?? 'network-error' });
        await sleep(50);
      }
    };
    const load = [...endpoints.map((_endpoint, index) => worker(index)), healthPoller(0), healthPoller(1)];

    const phases: { name: string; began: number; ended: number }[] = [];
    for (const outage of OUTAGES) {
      await sleep(1500);
      const began = Date.now();
      await outage.cause();
      const ended = Date.now();
      phases.push({ name: outage.name, began, ended });
      // Keep the load on until the instances have acknowledged reports again for a while.
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        const recent = outcomes.filter((outcome) => outcome.at > ended + 1000 && outcome.status === 200);
        if (recent.length >= 20) break;
        await sleep(100);
      }
    }
    await sleep(1000);
    stop = true;
    await Promise.all(load);

    if (process.env.E2E_DEBUG) {
      const errors = servers.flatMap((server) => server.logs.filter((line) => line.level >= 50));
      process.stdout.write(`${JSON.stringify(errors, null, 1).slice(0, 6000)}\n`);
    }
    // Every answer is a 200 or a 503 in the error shape; nothing hung or broke the connection.
    const statuses = new Set(outcomes.map((outcome) => outcome.status));
    expect([...statuses].filter((status) => status !== 200 && status !== 503)).toEqual([]);
    const unavailable = outcomes.filter((outcome) => outcome.status === 503);
    expect(unavailable.every((outcome) => outcome.errorShapeOk)).toBe(true);
    const slowest = Math.max(...outcomes.map((outcome) => outcome.latencyMs));
    expect(slowest).toBeLessThan(REQUEST_BOUND_MS);

    // Every acknowledged report is in the database.
    const acknowledged = outcomes
      .filter((outcome) => outcome.status === 200)
      .map((outcome) => outcome.stateId!);
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    let stored: number;
    try {
      stored = (
        await db.query('SELECT count(*)::int AS n FROM package_states WHERE id = ANY($1::uuid[])', [
          acknowledged,
        ])
      ).rows[0].n;
    } finally {
      await db.end();
    }
    expect(stored).toBe(acknowledged.length);

    // Health went not-ready during the outage and is ready again on both.
    for (const index of [0, 1]) {
      const mine = health.filter((probe) => probe.server === index);
      expect(mine.some((probe) => probe.status === 503)).toBe(true);
      expect(mine.every((probe) => probe.status === 200 || probe.status === 503)).toBe(true);
      expect(mine[mine.length - 1].status).toBe(200);
    }

    // Neither process restarted: same children, still running, uptime covering the whole test.
    expect(servers.map((server) => server.pid)).toEqual(pids);
    for (const server of servers) {
      expect(server.child.exitCode).toBeNull();
      const body = (await api<{ uptime_s: number }>(`${server.url}/api/health`)).body;
      expect(body.uptime_s * 1000).toBeGreaterThanOrEqual(Date.now() - started - 1000);
    }

    // Events flow between the instances again (the LISTEN connection reconnected by itself).
    const ws = new WebSocket(`ws://127.0.0.1:${servers[1].port}/api/events`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const events: { type: string; data: Record<string, unknown> }[] = [];
    ws.on('message', (data) => events.push(JSON.parse(String(data))));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    try {
      const eventDeadline = Date.now() + 10_000;
      let setLatest = 0;
      while (!events.some((event) => event.type === 'pool.target_changed') && Date.now() < eventDeadline) {
        // The bus may still be in its backoff: each set-latest is a new event.
        setLatest = (
          await api(`${servers[0].url}/api/endpoints/${endpoints[setLatest % 8].id}/set-latest`, {
            method: 'POST',
            token,
          })
        ).status;
        expect(setLatest).toBe(200);
        await sleep(500);
      }
      expect(events.some((event) => event.type === 'pool.target_changed')).toBe(true);
    } finally {
      ws.close();
    }

    // Recovery per outage: from its start to the first acknowledged report after its last refusal.
    const healthDown = health.filter((probe) => probe.status !== 200);
    const figures = {
      requests: outcomes.length,
      ok_2xx: acknowledged.length,
      unavailable_503: unavailable.length,
      other: outcomes.length - acknowledged.length - unavailable.length,
      slowest_request_ms: slowest,
      acknowledged_missing: acknowledged.length - stored,
      outages: phases.map((phase, index) => {
        const until = phases[index + 1]?.began ?? Number.MAX_SAFE_INTEGER;
        const inPhase = (at: number) => at >= phase.began && at < until;
        // By answer time: a request sent just before the outage is refused during it.
        const refusals = unavailable.filter((outcome) => inPhase(outcome.at + outcome.latencyMs));
        const lastRefusal = Math.max(
          phase.began,
          ...refusals.map((outcome) => outcome.at + outcome.latencyMs),
        );
        const firstOk = Math.min(
          ...outcomes
            .filter((outcome) => outcome.status === 200 && outcome.at >= lastRefusal)
            .map((outcome) => outcome.at + outcome.latencyMs),
        );
        return {
          outage: phase.name,
          pg_ctl_ms: phase.ended - phase.began,
          unavailable_503: refusals.length,
          health_not_ready_probes: healthDown.filter((probe) => inPhase(probe.at)).length,
          recovery_ms: firstOk - phase.began,
        };
      }),
    };
    process.stdout.write(`deployment fault figures: ${JSON.stringify(figures)}\n`);
    const outDir = path.join(REPO_ROOT, 'test-output');
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(
      path.join(outDir, 'deployment-database-restart.json'),
      `${JSON.stringify(figures, null, 2)}\n`,
    );
  });
});
