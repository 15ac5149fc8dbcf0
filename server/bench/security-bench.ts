// Benchmarks of the second security pass (issue 17), run by run.ts (BENCH_ONLY=report-block,login-flood):
//
//   (d) the longest event-loop block a changed state report causes, for 1,500, 5,000 and 20,000 packages,
//       beside the floor of a single JSON.parse of the same body (in process, through app.inject);
//   (e) a login flood: the console's GET / and GET /api/health, and another user's login, timed while ten
//       addresses keep 100 failed logins in flight, beside the same probes on the idle server.
import { performance } from 'node:perf_hooks';

import { createApp } from '../src/app';
import { loadConfig } from '../src/config/config';
import { api, median, ServerProcess } from './bench-kit';
import { makeState, packageUniverse, stateVariant } from './fixtures';

export interface BenchRow {
  benchmark: string;
  engine: string;
  subject: string;
  baseline: string;
  ratio: string;
  target: string;
  met: boolean;
}

/**
 * The longest stretch the event loop went without turning, between start and stop: as wall time, and as
 * the process's CPU time over that stretch. On a shared machine the wall time also counts the moments the
 * system did not run this process at all; the CPU time counts only the work done (the worker and GC
 * threads' too, which are idle here), so it is the figure to compare.
 */
function eventLoopWatch(): { stop: () => { wallMs: number; cpuMs: number } } {
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let wallMs = 0;
  let cpuMs = 0;
  let running = true;
  const measure = () => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    wallMs = Math.max(wallMs, now - last);
    cpuMs = Math.max(cpuMs, (cpu.user + cpu.system) / 1000);
    last = now;
    lastCpu = process.cpuUsage();
  };
  const turn = () => {
    measure();
    if (running) setImmediate(turn);
  };
  setImmediate(turn);
  return {
    // The stretch since the last turn counts too: a request that never lets the loop turn ends in it.
    stop: () => {
      measure();
      running = false;
      return { wallMs, cpuMs };
    },
  };
}

/** The CPU time of `task`, run now. */
function cpuTimeOf(task: () => void): number {
  const before = process.cpuUsage();
  task();
  const spent = process.cpuUsage(before);
  return (spent.user + spent.system) / 1000;
}

const REPORT_SIZES = [1500, 5000, 20000];
const REPORT_ROUNDS = 7;

export async function benchReportBlock(
  engine: string,
  env: Record<string, string>,
  adminPassword: string,
  rows: BenchRow[],
): Promise<void> {
  const app = await createApp(
    loadConfig({ ...env, ADMIN_PASSWORD: adminPassword, LOG_LEVEL: 'silent', API_RATE_LIMIT: '1000000' }),
  );
  try {
    const session = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'admin', password: adminPassword }),
    });
    const admin = { authorization: `Bearer ${JSON.parse(session.body).access_token}` };
    for (const size of REPORT_SIZES) {
      const registered = await app.inject({
        method: 'POST',
        url: '/api/endpoints',
        headers: { ...admin, 'content-type': 'application/json' },
        payload: JSON.stringify({ name: `block-${size}`, hostname: `block-${size}.lan` }),
      });
      const { endpoint, token } = JSON.parse(registered.body) as { endpoint: { id: string }; token: string };
      const base = makeState(packageUniverse(size, 11), size);
      const blocks: number[] = [];
      const walls: number[] = [];
      const parses: number[] = [];
      for (let round = 0; round <= REPORT_ROUNDS; round++) {
        const body = JSON.stringify(stateVariant(base, round));
        const watch = eventLoopWatch();
        const answer = await app.inject({
          method: 'POST',
          url: `/api/endpoints/${endpoint.id}/state`,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          payload: body,
        });
        const block = watch.stop();
        if (answer.statusCode !== 200) throw new Error(`report of ${size} packages: ${answer.body}`);
        const parse = cpuTimeOf(() => JSON.parse(body));
        // The first round warms the code paths and the database's caches.
        if (round > 0) {
          blocks.push(block.cpuMs);
          walls.push(block.wallMs);
          parses.push(parse);
        }
      }
      const block = median(blocks);
      const parse = median(parses);
      rows.push({
        benchmark: `longest event-loop block per changed report (${size.toLocaleString('en')} packages)`,
        engine,
        subject:
          `${block.toFixed(1)} ms CPU (worst of ${REPORT_ROUNDS}: ${Math.max(...blocks).toFixed(1)}; ` +
          `wall ${median(walls).toFixed(1)} ms)`,
        baseline: `one JSON.parse of the body ${parse.toFixed(1)} ms CPU`,
        ratio: `${(block / parse).toFixed(1)}x`,
        target: '(info)',
        met: true,
      });
    }
  } finally {
    await app.close();
  }
}

interface ProbeSeries {
  console: number[];
  health: number[];
  login: number[];
  statuses: Record<string, number>;
}

async function timed(url: string, init: RequestInit): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
    await response.arrayBuffer();
    return { ms: performance.now() - started, status: response.status };
  } catch {
    return { ms: performance.now() - started, status: 0 };
  }
}

/** Probes one after another for `seconds`: GET /, GET /api/health, and a login every tenth round. */
async function probe(server: ServerProcess, seconds: number, user: { username: string; password: string }) {
  const series: ProbeSeries = { console: [], health: [], login: [], statuses: {} };
  const count = (label: string, status: number) =>
    (series.statuses[`${label} ${status}`] = (series.statuses[`${label} ${status}`] ?? 0) + 1);
  const until = Date.now() + seconds * 1000;
  const probeHeaders = { 'x-forwarded-for': '192.0.2.250' };
  for (let round = 0; Date.now() < until; round++) {
    const page = await timed(`${server.baseUrl}/`, { headers: probeHeaders });
    series.console.push(page.ms);
    count('GET /', page.status);
    const health = await timed(`${server.baseUrl}/api/health`, { headers: probeHeaders });
    series.health.push(health.ms);
    count('GET /api/health', health.status);
    if (round % 10 === 0) {
      const login = await timed(`${server.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.251' },
        body: JSON.stringify(user),
      });
      series.login.push(login.ms);
      count('login', login.status);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return series;
}

/** `inFlight` failed logins at all times from ten addresses, random usernames, until stopped. */
function flood(server: ServerProcess, inFlight: number): { stop: () => Promise<Record<string, number>> } {
  let running = true;
  const statuses: Record<string, number> = {};
  let sent = 0;
  const worker = async (lane: number) => {
    while (running) {
      const attempt = sent++;
      const answer = await timed(`${server.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${(lane % 10) + 1}` },
        body: JSON.stringify({ username: `sprayed-${attempt}`, password: 'not-the-password' }),
      });
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
    }
  };
  const lanes = Array.from({ length: inFlight }, (_, lane) => worker(lane));
  return {
    stop: async () => {
      running = false;
      await Promise.all(lanes);
      return statuses;
    },
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const FLOOD_SECONDS = Number(process.env.BENCH_FLOOD_SECONDS ?? 10);
const FLOOD_IN_FLIGHT = 100;

export async function benchLoginFlood(
  engine: string,
  server: ServerProcess,
  adminPassword: string,
  rows: BenchRow[],
): Promise<void> {
  const { access_token: adminToken } = await api<{ access_token: string }>(
    server.baseUrl,
    'POST',
    '/api/auth/login',
    { username: 'admin', password: adminPassword },
  );
  const user = { username: 'flood-victim', password: 'flood-victim-password' };
  await api(server.baseUrl, 'POST', '/api/users', { ...user, role: 'viewer' }, adminToken);
  const idle = await probe(server, Math.max(3, FLOOD_SECONDS / 2), user);
  const attack = flood(server, FLOOD_IN_FLIGHT);
  const loaded = await probe(server, FLOOD_SECONDS, user);
  const floodStatuses = await attack.stop();
  const describe = (values: number[]) =>
    `p50 ${percentile(values, 50).toFixed(0)} ms, p99 ${percentile(values, 99).toFixed(0)} ms, ` +
    `max ${Math.max(...values).toFixed(0)} ms`;
  for (const [label, during, before] of [
    ["console's GET /", loaded.console, idle.console],
    ['GET /api/health', loaded.health, idle.health],
    ["another user's login", loaded.login, idle.login],
  ] as const) {
    rows.push({
      benchmark: `${label} during a login flood (${FLOOD_IN_FLIGHT} in flight, 10 addresses)`,
      engine,
      subject: describe(during),
      baseline: `idle: ${describe(before)}`,
      ratio: `${(percentile(during, 50) / percentile(before, 50)).toFixed(1)}x p50`,
      target: '(info)',
      met: true,
    });
  }
  rows.push({
    benchmark: '  answers during the flood',
    engine,
    subject: `probes ${JSON.stringify(loaded.statuses)}; flood ${JSON.stringify(floodStatuses)}`,
    baseline: '-',
    ratio: '-',
    target: '(info)',
    met: true,
  });
}
