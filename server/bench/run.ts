// Server benchmarks (`npm run bench -w server`): each figure is printed beside a baseline measured in the
// same run on the same machine. Loopback only, bounded loops; the server runs in a child process.
//
//   (a) check-in: hash-only POST /api/endpoints/{id}/state of unchanged 1,500-package endpoints, requests/s
//       on SQLite and PostgreSQL beside a bare Fastify route that parses the same body and answers;
//   (b) changed-state reports of 1,500 packages, reports/s;
//   (c) repository analysis of a pool of 1,000 endpoints in 5 repository sets of 15,000 packages, beside
//       loading those rows;
//   (d), (e) the event-loop block of large reports and a login flood: see security-bench.ts.
//
// BENCH_SECONDS (default 5) sets the length of each load run; BENCH_ENGINES (default sqlite,postgres) and
// BENCH_ONLY (default checkin,changed,analysis,report-block,login-flood) select; BENCH_PROFILE_DIR writes the server's CPU profile.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { stateContentHash, type SystemState } from '@pacman-sync/shared';
import { DataSource, In } from 'typeorm';

import { nodeSha256Hex } from '../src/common/sha256';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { Endpoint } from '../src/endpoints/endpoint.entity';
import { RepositoryContent } from '../src/repositories/repository-content.entity';
import { RepositoryEntity } from '../src/repositories/repository.entity';
import { createDatabase, PostgresCluster, startPostgres, stopPostgres } from '../test/support/postgres';
import { api, inBatches, load, LoadResult, median, ServerProcess, startServerProcess } from './bench-kit';
import { makeRepositorySet, makeState, packageUniverse, stateVariant } from './fixtures';
import { benchLoginFlood, benchReportBlock } from './security-bench';

type Engine = 'sqlite' | 'postgres';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',') as Engine[];
const ONLY = new Set(
  (process.env.BENCH_ONLY ?? 'checkin,changed,analysis,report-block,login-flood').split(','),
);
const ADMIN_PASSWORD = 'bench-admin-password-1';
const STATE_PACKAGES = 1500;
const CHECKIN_ENDPOINTS = 200;
const CHANGED_ENDPOINTS = 50;
const CHANGED_VARIANTS = 400;
const ANALYSIS_ENDPOINTS = 1000;
const ANALYSIS_SETS = 5;
const REPOSITORY_PACKAGES = 15000;
const ANALYSIS_ROUNDS = 5;
const FLEET = { endpoints: 100_000, intervalSeconds: 300 };

interface Row {
  benchmark: string;
  engine: string;
  subject: string;
  baseline: string;
  ratio: string;
  target: string;
  met: boolean;
}

interface Database {
  env: Record<string, string>;
  options: Parameters<typeof buildDataSourceOptions>[0];
  cleanup: () => void;
}

let postgres: PostgresCluster | null = null;

async function prepareDatabase(engine: Engine): Promise<Database> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacman-sync-bench-'));
  const cleanup = () => fs.rmSync(dataDir, { recursive: true, force: true });
  if (engine === 'sqlite') {
    return {
      env: { DATA_DIR: dataDir },
      options: { databaseType: 'internal', databaseUrl: null, dataDir },
      cleanup,
    };
  }
  postgres ??= await startPostgres();
  const url = await createDatabase(postgres.adminUrl, `bench_${Date.now()}`);
  return {
    env: { DATA_DIR: dataDir, DATABASE_TYPE: 'postgresql', DATABASE_URL: url },
    options: { databaseType: 'postgresql', databaseUrl: url, dataDir },
    cleanup,
  };
}

function appEnv(database: Database): Record<string, string> {
  return {
    ...database.env,
    ADMIN_PASSWORD,
    // Check-ins are rate-limited per endpoint; at ~1,000 req/s over 200 endpoints each sends ~300 a minute.
    // (Not the maximum: @nestjs/throttler's memory store prunes a list of every hit in the window per request.)
    API_RATE_LIMIT: '100000',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  };
}

interface Fleet {
  adminToken: string;
  poolId: string;
  endpoints: Array<{ id: string; token: string }>;
}

/** A pool of `count` registered endpoints, each having reported `state`, the first one's state the target. */
async function seedFleet(
  server: ServerProcess,
  name: string,
  count: number,
  state: SystemState | null,
): Promise<Fleet> {
  const { access_token: adminToken } = await api<{ access_token: string }>(
    server.baseUrl,
    'POST',
    '/api/auth/login',
    {
      username: 'admin',
      password: ADMIN_PASSWORD,
    },
  );
  const pool = await api<{ id: string }>(server.baseUrl, 'POST', '/api/pools', { name }, adminToken);
  const indexes = Array.from({ length: count }, (_, index) => index);
  const endpoints = await inBatches(indexes, 4, async (index) => {
    const registered = await api<{ endpoint: { id: string }; token: string }>(
      server.baseUrl,
      'POST',
      '/api/endpoints',
      { name: `${name}-${index}`, hostname: `${name}-${index}.lan`, pool_id: pool.id },
      adminToken,
    );
    if (state) {
      await api(
        server.baseUrl,
        'POST',
        `/api/endpoints/${registered.endpoint.id}/state`,
        state,
        registered.token,
      );
    }
    return { id: registered.endpoint.id, token: registered.token };
  });
  if (state)
    await api(server.baseUrl, 'POST', `/api/endpoints/${endpoints[0].id}/set-latest`, undefined, adminToken);
  return { adminToken, poolId: pool.id, endpoints };
}

function checkinRequests(fleet: Fleet | null, contentHash: string) {
  const body = JSON.stringify({ content_hash: contentHash });
  let next = 0;
  return () => {
    const endpoint = fleet ? fleet.endpoints[next++ % fleet.endpoints.length] : { id: 'bare', token: 'bare' };
    return {
      path: `/api/endpoints/${endpoint.id}/state`,
      headers: { authorization: `Bearer ${endpoint.token}` },
      body,
    };
  };
}

interface MeasuredLoad extends LoadResult {
  /** The server process's CPU time per answered request. */
  cpuMicrosPerRequest: number;
}

async function measuredLoad(server: ServerProcess, run: () => Promise<LoadResult>): Promise<MeasuredLoad> {
  const { result, cpuMs } = await server.measured(run);
  return { ...result, cpuMicrosPerRequest: (cpuMs * 1000) / result.requests };
}

function rate(result: MeasuredLoad): string {
  return (
    `${Math.round(result.requestsPerSecond)} req/s (p99 ${result.p99Ms} ms, ` +
    `CPU ${Math.round(result.cpuMicrosPerRequest)} µs/req)`
  );
}

async function benchCheckin(
  engine: Engine,
  server: ServerProcess,
  baselines: { bare: ServerProcess; floor: ServerProcess },
  rows: Row[],
): Promise<void> {
  const { bare, floor } = baselines;
  const state = makeState(packageUniverse(STATE_PACKAGES), STATE_PACKAGES);
  const contentHash = stateContentHash(state);
  const fleet = await seedFleet(server, 'checkin', CHECKIN_ENDPOINTS, state);
  const probe = await api<{ known: boolean; changed: boolean }>(
    server.baseUrl,
    'POST',
    `/api/endpoints/${fleet.endpoints[1].id}/state`,
    { content_hash: contentHash },
    fleet.endpoints[1].token,
  );
  if (!probe.known || probe.changed) throw new Error(`check-in not recognised: ${JSON.stringify(probe)}`);

  const run = (target: ServerProcess, withFleet: Fleet | null, seconds: number) =>
    load({
      url: target.baseUrl,
      connections: 10,
      durationSeconds: seconds,
      next: checkinRequests(withFleet, contentHash),
    });
  await run(bare, null, 1);
  await run(floor, null, 1);
  await run(server, fleet, 1);
  const appRuns: MeasuredLoad[] = [];
  const bareRuns: MeasuredLoad[] = [];
  const floorRuns: MeasuredLoad[] = [];
  // Alternating rounds: whatever else the shared machine does slows every side alike.
  for (let round = 0; round < 2; round++) {
    bareRuns.push(await measuredLoad(bare, () => run(bare, null, SECONDS)));
    floorRuns.push(await measuredLoad(floor, () => run(floor, null, SECONDS)));
    appRuns.push(
      await server.profiled(`checkin-${engine}-${round}`, () =>
        measuredLoad(server, () => run(server, fleet, SECONDS)),
      ),
    );
  }
  const best = (runs: MeasuredLoad[]) =>
    runs.reduce((top, result) => (result.requestsPerSecond > top.requestsPerSecond ? result : top));
  const app = best(appRuns);
  const baseline = best(bareRuns);
  const framework = best(floorRuns);
  const ratio = app.requestsPerSecond / baseline.requestsPerSecond;
  // The CPU ratio is what the throughput ratio would be with each server alone on its core.
  const cpuRatio = baseline.cpuMicrosPerRequest / app.cpuMicrosPerRequest;
  rows.push({
    benchmark: `check-in (hash only, ${CHECKIN_ENDPOINTS} endpoints, 1,500-pkg state unchanged)`,
    engine,
    subject: rate(app),
    baseline: `bare Fastify ${rate(baseline)}`,
    ratio: `${ratio.toFixed(2)} (CPU ${cpuRatio.toFixed(2)})`,
    target: '>= 0.50',
    met: ratio >= 0.5,
  });
  // For reading the row above: the same validated route in a bare Nest app, beside the same bare Fastify.
  const floorRatio = framework.requestsPerSecond / baseline.requestsPerSecond;
  const floorCpuRatio = baseline.cpuMicrosPerRequest / framework.cpuMicrosPerRequest;
  rows.push({
    benchmark: '  framework floor: minimal Nest + ValidationPipe, same DTO, no work',
    engine,
    subject: rate(framework),
    baseline: `bare Fastify ${rate(baseline)}`,
    ratio: `${floorRatio.toFixed(2)} (CPU ${floorCpuRatio.toFixed(2)})`,
    target: '(info)',
    met: true,
  });
  const needed = FLEET.endpoints / FLEET.intervalSeconds;
  rows.push({
    benchmark: `fleet of ${FLEET.endpoints.toLocaleString('en')} endpoints every ${FLEET.intervalSeconds / 60} min`,
    engine,
    subject: `${Math.round(needed)} req/s needed`,
    baseline: `capacity ${Math.round(app.requestsPerSecond)} req/s`,
    ratio: `${(app.requestsPerSecond / needed).toFixed(1)}x headroom`,
    target: '>= 1x',
    met: app.requestsPerSecond >= needed,
  });
}

async function benchChanged(engine: Engine, server: ServerProcess, rows: Row[]): Promise<void> {
  const base = makeState(packageUniverse(STATE_PACKAGES, 7), STATE_PACKAGES);
  const fleet = await seedFleet(server, 'changed', CHANGED_ENDPOINTS, base);
  const bodies = Array.from({ length: CHANGED_VARIANTS }, (_, variant) =>
    JSON.stringify(stateVariant(base, variant)),
  );
  const probe = await api<{ changed: boolean }>(
    server.baseUrl,
    'POST',
    `/api/endpoints/${fleet.endpoints[1].id}/state`,
    JSON.parse(bodies[CHANGED_VARIANTS - 1]),
    fleet.endpoints[1].token,
  );
  if (!probe.changed) throw new Error('a changed report was not recorded as changed');
  let next = 0;
  // Report i goes to endpoint i mod 50 with variant i mod 400: each endpoint's consecutive reports differ.
  const requests = () => {
    const index = next++;
    const endpoint = fleet.endpoints[index % fleet.endpoints.length];
    return {
      path: `/api/endpoints/${endpoint.id}/state`,
      headers: { authorization: `Bearer ${endpoint.token}` },
      body: bodies[index % CHANGED_VARIANTS],
    };
  };
  await load({ url: server.baseUrl, connections: 4, durationSeconds: 1, next: requests });
  const result = await server.profiled(`changed-${engine}`, () =>
    measuredLoad(server, () =>
      load({ url: server.baseUrl, connections: 4, durationSeconds: SECONDS * 2, next: requests }),
    ),
  );
  rows.push({
    benchmark: 'changed-state report (1,500 packages)',
    engine,
    subject:
      `${Math.round(result.requestsPerSecond)} reports/s (p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ` +
      `CPU ${(result.cpuMicrosPerRequest / 1000).toFixed(2)} ms/report)`,
    baseline: '-',
    ratio: '-',
    target: '>= 300/s',
    met: result.requestsPerSecond >= 300,
  });
  const floor = intrinsicReportRate(bodies);
  rows.push({
    benchmark: '  intrinsic floor: JSON.parse + content hash + JSON.stringify, one core',
    engine,
    subject: `${Math.round(floor.perSecond)} reports/s (${floor.msPerReport.toFixed(2)} ms/report)`,
    baseline: '-',
    ratio: '-',
    target: '(info)',
    met: true,
  });
}

/**
 * What every changed report must do whatever the server around it, run in this process on the same
 * bodies: parse the ~280 KB JSON, compute its content hash (node:crypto's SHA-256, as the server does),
 * and serialise the packages for storage. No HTTP, validation, status or database.
 */
function intrinsicReportRate(bodies: string[]): { perSecond: number; msPerReport: number } {
  const once = (index: number) => {
    const state = JSON.parse(bodies[index % bodies.length]) as SystemState;
    stateContentHash(state, nodeSha256Hex);
    return JSON.stringify(state.packages).length;
  };
  for (let index = 0; index < 50; index++) once(index);
  const count = 400;
  const started = performance.now();
  for (let index = 0; index < count; index++) once(index);
  const msPerReport = (performance.now() - started) / count;
  return { perSecond: 1000 / msPerReport, msPerReport };
}

async function benchAnalysis(
  engine: Engine,
  server: ServerProcess,
  database: Database,
  rows: Row[],
): Promise<void> {
  const universe = packageUniverse(REPOSITORY_PACKAGES, 11);
  const target = makeState(universe, STATE_PACKAGES);
  const fleet = await seedFleet(server, 'analysis', ANALYSIS_ENDPOINTS, null);
  // The target and one real repository report per set go through the API ...
  await api(
    server.baseUrl,
    'POST',
    `/api/endpoints/${fleet.endpoints[0].id}/state`,
    target,
    fleet.endpoints[0].token,
  );
  await api(
    server.baseUrl,
    'POST',
    `/api/endpoints/${fleet.endpoints[0].id}/set-latest`,
    undefined,
    fleet.adminToken,
  );
  const representatives = fleet.endpoints.slice(0, ANALYSIS_SETS);
  for (const [set, endpoint] of representatives.entries()) {
    await api(
      server.baseUrl,
      'POST',
      `/api/endpoints/${endpoint.id}/repositories`,
      { repositories: makeRepositorySet(universe, REPOSITORY_PACKAGES, set) },
      endpoint.token,
    );
  }
  // ... and the other 995 endpoints get copies of those rows straight in the database: uploading 1.3 MB
  // per endpoint would only benchmark the seeding.
  const dataSource = new DataSource(buildDataSourceOptions(database.options));
  await dataSource.initialize();
  try {
    const repositories = dataSource.getRepository(RepositoryEntity);
    const endpointsRepository = dataSource.getRepository(Endpoint);
    for (const [set, representative] of representatives.entries()) {
      const rowsOfSet = await repositories.find({ where: { endpoint_id: representative.id } });
      const { repositories_hash } = await endpointsRepository.findOneOrFail({
        where: { id: representative.id },
        select: { id: true, repositories_hash: true },
      });
      const members = fleet.endpoints.filter(
        (_, index) => index >= ANALYSIS_SETS && index % ANALYSIS_SETS === set,
      );
      for (let start = 0; start < members.length; start += 100) {
        const chunk = members.slice(start, start + 100);
        await repositories.insert(
          chunk.flatMap((member) =>
            rowsOfSet.map((row) => ({
              endpoint_id: member.id,
              repo_name: row.repo_name,
              repo_url: row.repo_url,
              position: row.position,
              content_hash: row.content_hash,
            })),
          ),
        );
        await endpointsRepository.update({ id: In(chunk.map((member) => member.id)) }, { repositories_hash });
      }
    }

    const analysisMs: number[] = [];
    const loadMs: number[] = [];
    let summary = '';
    for (let round = 0; round < ANALYSIS_ROUNDS + 1; round++) {
      const started = performance.now();
      const analyze = () =>
        api<{ common_packages: unknown[]; excluded_packages: unknown[]; conflicts: unknown[] }>(
          server.baseUrl,
          'POST',
          '/api/repositories/analyze',
          { pool_id: fleet.poolId },
          fleet.adminToken,
        );
      const result =
        round === ANALYSIS_ROUNDS ? await server.profiled(`analysis-${engine}`, analyze) : await analyze();
      const analysed = performance.now() - started;
      summary = `${result.common_packages.length} common, ${result.excluded_packages.length} excluded, ${result.conflicts.length} conflicts`;
      const loadStarted = performance.now();
      const members = await endpointsRepository.find({
        where: { pool_id: fleet.poolId },
        select: { id: true, repositories_hash: true },
      });
      const repositoryRows = await repositories.find({
        where: { endpoint_id: In(representatives.map((e) => e.id)) },
      });
      const contents = await dataSource
        .getRepository(RepositoryContent)
        .find({ where: { content_hash: In([...new Set(repositoryRows.map((row) => row.content_hash))]) } });
      const loaded = performance.now() - loadStarted;
      if (members.length !== ANALYSIS_ENDPOINTS || contents.length === 0)
        throw new Error('analysis seed is incomplete');
      // The first round warms caches and the JIT on both sides.
      if (round > 0) {
        analysisMs.push(analysed);
        loadMs.push(loaded);
      }
    }
    const analysis = median(analysisMs);
    const baseline = median(loadMs);
    rows.push({
      benchmark: `analysis: ${ANALYSIS_ENDPOINTS} endpoints, ${ANALYSIS_SETS} sets x ${REPOSITORY_PACKAGES} pkgs (${summary})`,
      engine,
      subject: `${analysis.toFixed(0)} ms (POST /api/repositories/analyze)`,
      baseline: `load the rows ${baseline.toFixed(0)} ms`,
      ratio: (analysis / baseline).toFixed(2),
      target: '< 1000 ms',
      met: analysis < 1000,
    });
  } finally {
    await dataSource.destroy();
  }
}

function printTable(rows: Row[]): void {
  const header: Row = {
    benchmark: 'benchmark',
    engine: 'engine',
    subject: 'subject',
    baseline: 'baseline',
    ratio: 'ratio',
    target: 'target',
    met: true,
  };
  const columns = ['benchmark', 'engine', 'subject', 'baseline', 'ratio', 'target'] as const;
  const widths = columns.map((column) => Math.max(...[header, ...rows].map((row) => row[column].length)));
  const line = (row: Row, verdict: string) =>
    columns.map((column, index) => row[column].padEnd(widths[index])).join(' | ') + ` | ${verdict}`;
  process.stdout.write(`\n${line(header, 'met')}\n`);
  process.stdout.write(`${widths.map((width) => '-'.repeat(width)).join('-|-')}-|----\n`);
  for (const row of rows) process.stdout.write(`${line(row, row.met ? 'yes' : 'NO')}\n`);
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  process.stdout.write(
    `server benchmarks: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, ` +
      `load average ${os.loadavg()[0].toFixed(1)}, ${SECONDS} s per load run\n`,
  );
  const bare = await startServerProcess('bare', {});
  const floor = await startServerProcess('floor', {});
  try {
    for (const engine of ENGINES) {
      const database = await prepareDatabase(engine);
      const server = await startServerProcess('app', appEnv(database));
      try {
        if (ONLY.has('checkin')) {
          process.stdout.write(`[${engine}] check-in ...\n`);
          await benchCheckin(engine, server, { bare, floor }, rows);
        }
        if (ONLY.has('changed')) {
          process.stdout.write(`[${engine}] changed-state reports ...\n`);
          await benchChanged(engine, server, rows);
        }
        if (ONLY.has('analysis')) {
          process.stdout.write(`[${engine}] repository analysis ...\n`);
          await benchAnalysis(engine, server, database, rows);
        }
        if (ONLY.has('report-block')) {
          process.stdout.write(`[${engine}] event-loop block of large reports ...\n`);
          await benchReportBlock(engine, database.env, ADMIN_PASSWORD, rows);
        }
        if (ONLY.has('login-flood')) {
          process.stdout.write(`[${engine}] login flood ...\n`);
          // The flood comes from ten addresses through a trusted proxy's X-Forwarded-For, against the
          // default API_RATE_LIMIT (the attack of issue 17 was run against a server as installed).
          const flooded = await startServerProcess('app', {
            ...appEnv(database),
            API_RATE_LIMIT: '100',
            TRUST_PROXY: 'true',
          });
          try {
            await benchLoginFlood(engine, flooded, ADMIN_PASSWORD, rows);
          } finally {
            await flooded.stop();
          }
        }
      } finally {
        await server.stop();
        database.cleanup();
      }
    }
  } finally {
    await Promise.all([bare.stop(), floor.stop()]);
    if (postgres) stopPostgres(postgres);
  }
  printTable(rows);
  process.exitCode = 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  if (postgres) stopPostgres(postgres);
  process.exit(1);
});
