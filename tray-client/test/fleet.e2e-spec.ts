// The whole product on one machine: the REAL server (in-process, on SQLite, listening on a real port)
// and three endpoint clients, each with its own pacman root, driven through the CLI's main() exactly as a
// user types the commands. pacman is the real binary; nothing is mocked. It runs with Debian's pacman
// 6.0.2 and with pacman 7.0 (DownloadUser = alpm), with the clients as root and as an unprivileged desktop
// user whose syncs elevate through the real sudo, each on SQLite; PostgreSQL with the Arch-like pair.
import { cpSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';

import type { SyncPlan } from '@pacman-sync/shared';

// eslint-disable-next-line no-restricted-imports -- the fleet test runs the real server, started in-process
import { PostgresCluster, startPostgres, stopPostgres } from '../../server/test/support/postgres';
// eslint-disable-next-line no-restricted-imports -- the fleet test runs the real server, started in-process
import { startTestApp, TestApp } from '../../server/test/support/test-app';
import { TestClient } from './support/cli-harness';
import { DesktopSession } from './support/desktop-session';
import {
  ARCH_REPO,
  MANJARO_REPO,
  app1,
  app2,
  clash,
  extra,
  libx1,
  libx2,
  tool10,
  tool11,
} from './support/packages';
import { requirePacmanTools, TestRoot } from './support/pacman-fixture';
import { pacmanVariants } from './support/pacman-variants';

jest.setTimeout(120_000);

// The server's test harness picks the engine from DB_ENGINE and, for PostgreSQL, a throwaway cluster.
// The database engine and the client's pacman and user are independent of each other, so every pacman and
// user runs on SQLite, and PostgreSQL runs once, with what Arch users have: pacman 7 and a desktop user.
const RUNS = [
  ...pacmanVariants().map((variant) => ['sqlite' as const, variant] as const),
  [
    'postgres' as const,
    pacmanVariants().find((v) => v.version.startsWith('7.') && v.user === 'desktop')!,
  ] as const,
].map(([engine, variant]) => [`${engine}, clients on ${variant.label}`, engine, variant] as const);

describe.each(RUNS)('a fleet of three endpoints against the real server (%s)', (_label, engine, variant) => {
  /** Every sync and revert of a desktop user's client costs exactly one elevation; root's none. */
  const elevationsPerChange = variant.user === 'desktop' ? 1 : 0;
  let session: DesktopSession | null = null;
  let cluster: PostgresCluster | null = null;
  const savedEnv = { DB_ENGINE: process.env.DB_ENGINE, TEST_PG_ADMIN_URL: process.env.TEST_PG_ADMIN_URL };
  let server: TestApp;
  let serverUrl: string;
  let poolId: string;
  let rootA: TestRoot;
  let rootB: TestRoot;
  let rootC: TestRoot;
  let a: TestClient;
  let b: TestClient;
  let c: TestClient;

  beforeAll(async () => {
    requirePacmanTools();
    process.env.DB_ENGINE = engine;
    if (engine === 'postgres') {
      cluster = await startPostgres();
      process.env.TEST_PG_ADMIN_URL = cluster.adminUrl;
    }
    server = await startTestApp();
    await server.app.listen(0, '127.0.0.1');
    serverUrl = `http://127.0.0.1:${(server.app.getHttpServer().address() as AddressInfo).port}`;
    const pool = await server.http.post('/api/pools').send({
      name: 'lab',
      sync_policy: {
        auto_sync: false,
        exclude_packages: ['tool*'],
        include_aur: false,
        remove_extra: false,
        conflict_resolution: 'manual',
        // The machines of this pool set its target from their own CLI.
        allow_endpoint_set_latest: true,
      },
    });
    expect(pool.status).toBe(201);
    poolId = pool.body.id;
    // What an admin hands out for machines to register themselves: enrolment into this pool only.
    const enrollment = await server.tokenFor('viewer', { can_enroll: true, enroll_pool_id: poolId });

    if (variant.user === 'desktop') session = new DesktopSession();
    // A is the reference machine; B lags on the Manjaro versions; C has only the Manjaro repository.
    rootA = TestRoot.create({ repositories: [ARCH_REPO, MANJARO_REPO], variant, session });
    rootA.install([libx2, app2, tool11, extra], { asdeps: ['libx'] });
    rootB = TestRoot.create({ repositories: [ARCH_REPO, MANJARO_REPO], variant, session });
    rootB.install([libx1, app1, tool10], { asdeps: ['libx'] });
    rootC = TestRoot.create({ repositories: [MANJARO_REPO], variant, session });
    rootC.install([libx1]);
    const options = { serverUrl, apiKey: enrollment, poolId };
    a = new TestClient('client-a', rootA, options);
    b = new TestClient('client-b', rootB, options);
    c = new TestClient('client-c', rootC, options);
  });

  afterAll(async () => {
    await server?.close();
    if (cluster) stopPostgres(cluster);
    for (const [key, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    for (const client of [a, b, c]) client?.destroy();
    for (const root of [rootA, rootB, rootC]) root?.destroy();
    await session?.stop();
  });

  it('registers every client, stores its token 0600, and reports full state once, then only hashes', async () => {
    for (const client of [a, b, c]) {
      const registered = (await client.expect(['register', '--json'])).json<{ endpoint: { id: string } }>();
      expect(registered.endpoint.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(statSync(`${client.stateDir}/endpoint.json`).mode & 0o777).toBe(0o600);
    }
    const again = await a.run(['register']);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/already registered/);

    const first = (await a.expect(['report', '--json'])).json<{
      state: { sent: string };
      repositories: { sent: string };
    }>();
    expect(first.state.sent).toBe('full');
    expect(first.repositories.sent).toBe('full');
    const second = (await a.expect(['report', '--json'])).json<{
      state: { sent: string };
      repositories: { sent: string };
    }>();
    expect(second.state.sent).toBe('hash');
    expect(second.repositories.sent).toBe('hash');
    await b.expect(['report']);
    await c.expect(['report']);
  });

  it('makes A the pool target through the CLI', async () => {
    const result = (await a.expect(['set-latest', '--json'])).json<{
      operation: { operation_type: string };
    }>();
    expect(result.operation.operation_type).toBe('set_latest');
    const status = (await a.expect(['status', '--json'])).json<{ endpoint: { sync_status: string } }>();
    expect(status.endpoint.sync_status).toBe('in_sync');
    const waybar = await a.expect(['waybar']);
    expect(JSON.parse(waybar.stdout)).toMatchObject({ alt: 'in_sync', class: 'in_sync', percentage: 100 });
  });

  it('refuses to sync without a terminal and without --yes, changing nothing', async () => {
    const before = rootB.query();
    const refused = await b.run(['sync']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/without a terminal.*--yes/);
    expect(rootB.query()).toEqual(before);
    const dryRun = await b.expect(['sync', '--dry-run', '--json']);
    const plan = dryRun.json<{ plan: SyncPlan }>().plan;
    expect(plan.upgrade.map((item) => item.package_name).sort()).toEqual(['app', 'libx']);
    expect(plan.install.map((item) => item.package_name)).toEqual(['extra']);
    expect(rootB.query()).toEqual(before);
  });

  it('syncs B to A in one pacman transaction and one elevation, keeping the excluded package', async () => {
    const transactionsBefore = rootB.transactionCount();
    const elevationsBefore = rootB.elevations();
    const result = (await b.expect(['sync', '--yes', '--json'])).json<{
      operation: { status: string };
      sync_status: string;
    }>();
    expect(result.operation.status).toBe('completed');
    const installed = rootB.query();
    const reference = rootA.query();
    // tool* is excluded by the pool: B keeps its own tool.
    expect(installed.get('tool')).toBe(tool10.version);
    reference.delete('tool');
    installed.delete('tool');
    expect(installed).toEqual(reference);
    // One -U transaction, then the install reasons (pacman -D is logged as no transaction).
    expect(rootB.transactionCount() - transactionsBefore).toBe(1);
    expect(rootB.query('-Qd').has('libx')).toBe(true);
    expect(result.sync_status).toBe('in_sync');
    // -U, then -D --asdeps and -D --asexplicit: three pacman steps, one authorization.
    expect(rootB.elevations() - elevationsBefore).toBe(elevationsPerChange);
  });

  it('refuses C’s sync with SYNC_CONFLICT (exit 3) while its repositories cannot deliver the target', async () => {
    const before = rootC.query();
    const refused = await c.run(['sync', '--yes', '--json']);
    expect(refused.code).toBe(3);
    const error = refused.json<{ error: { code: string; details: { conflicting_packages: string[] } } }>()
      .error;
    expect(error.code).toBe('SYNC_CONFLICT');
    expect(error.details.conflicting_packages.sort()).toEqual(['app', 'extra', 'libx']);
    expect(rootC.query()).toEqual(before);
  });

  it('syncs C with conflict_resolution=newest: the closest versions it can get, the rest left unavailable', async () => {
    const update = await server.http
      .put(`/api/pools/${poolId}`)
      .send({ sync_policy: { conflict_resolution: 'newest' } });
    expect(update.status).toBe(200);
    const dryRun = (await c.expect(['plan', '--json'])).json<{ plan: SyncPlan }>().plan;
    await c.expect(['sync', '--yes']);
    const installed = rootC.query();
    const reference = rootA.query();
    reference.delete('tool');
    for (const item of dryRun.substituted) reference.set(item.package_name, item.to_version);
    for (const item of dryRun.unavailable) reference.delete(item.package_name);
    expect(dryRun.unavailable.map((item) => item.package_name)).toEqual(['extra']);
    expect(installed).toEqual(reference);
    expect(installed.get('app')).toBe(app1.version);
  });

  it('reverts B to the package set it had before its sync, with one elevation', async () => {
    const elevationsBefore = rootB.elevations();
    await b.expect(['revert', '--yes']);
    expect(rootB.elevations() - elevationsBefore).toBe(elevationsPerChange);
    expect(rootB.query()).toEqual(
      new Map([
        ['app', app1.version],
        ['libx', libx1.version],
        ['tool', tool10.version],
      ]),
    );
  });

  it('with auto_sync, a new target reaches B through one daemon cycle', async () => {
    const update = await server.http.put(`/api/pools/${poolId}`).send({ sync_policy: { auto_sync: true } });
    expect(update.status).toBe(200);
    rootA.install([clash]);
    await a.expect(['set-latest']);
    const elevationsBefore = rootB.elevations();
    const cycle = (await b.expect(['daemon', '--once', '--json'])).json<{
      executed: Array<{ operation_type: string; status: string }>;
      left: string[];
    }>();
    expect(cycle.executed).toEqual([
      expect.objectContaining({ operation_type: 'sync', status: 'completed' }),
    ]);
    expect(cycle.left).toEqual([]);
    expect(rootB.elevations() - elevationsBefore).toBe(elevationsPerChange);
    const installed = rootB.query();
    expect(installed.get('clash')).toBe(clash.version);
    expect(installed.get('libx')).toBe(libx2.version);
    expect(installed.get('tool')).toBe(tool10.version);
    expect(installed.get('tool')).not.toBe(tool11.version);
    const status = (await b.expect(['status', '--json'])).json<{ endpoint: { sync_status: string } }>();
    expect(status.endpoint.sync_status).toBe('in_sync');
  });

  it('a running daemon hears of a new target over WS /api/events and applies the auto_sync operation', async () => {
    const elevationsBefore = rootB.elevations();
    const daemon = b.start(['daemon']);
    try {
      await waitFor(() => daemon.output().includes('event stream connected'), 'the daemon to connect');
      // A drops extra: the target changes, B is now ahead, and auto_sync hands B a sync (with nothing to do).
      rootA.pacman(['-R', '--', 'extra']);
      await a.expect(['set-latest']);
      await waitFor(() => /sync \S+ completed/.test(daemon.output()), 'the daemon to run the operation');
    } finally {
      const run = await daemon.stop();
      expect(run.code).toBe(0);
    }
    const operations = await server.http.get('/api/operations').query({ endpoint_id: b.endpointId() });
    expect(operations.body.items[0]).toMatchObject({ operation_type: 'sync', status: 'completed' });
    expect(operations.body.items[0].details.requested_by).toBe('auto_sync');
    // remove_extra is off: B keeps extra although the target no longer has it.
    expect(rootB.query().has('extra')).toBe(true);
    // The operation had nothing to change: no pacman step, and nobody was asked for a password.
    expect(rootB.elevations() - elevationsBefore).toBe(0);
  });

  it('the tray backend `pacman-sync tray` builds shows details and applies the pending auto_sync operation on Sync now', async () => {
    const before = rootC.query();
    const elevationsBefore = rootC.elevations();
    const tray = await c.trayBackend();

    expect(tray.endpointName).toBe('client-c');
    expect(tray.poolName).toBe('lab'); // an endpoint token may read its own pool
    // C has only the Manjaro repository: the new target's clash is nowhere for it (left as it is, newest).
    expect(tray.plan?.unavailable.map((item) => item.package_name)).toEqual(['clash']);
    expect(tray.operationsBefore[0]).toMatchObject({ type: 'sync', status: 'pending' });
    expect(tray.consoleUrl).toBe(serverUrl);
    expect(tray.configPath).toBe(c.configFile);
    expect(tray.finished).toEqual(['sync completed']);
    expect(rootC.query()).toEqual(before);
    // Nothing to change: no pkexec prompt either.
    expect(rootC.elevations() - elevationsBefore).toBe(0);
    expect(tray.current).toMatchObject({ state: 'behind', canRevert: true });
    expect(tray.operationsAfter.filter((operation) => operation.status === 'pending')).toEqual([]);
  });

  it('answers from the cache when the server is gone: status exits 4, Waybar still prints', async () => {
    const gone = `http://127.0.0.1:${await closedPort()}`;
    const offline = new TestClient('client-offline', rootB, { serverUrl: gone, poolId });
    try {
      // Borrow B's registration, as if B's server had vanished.
      cpSync(b.stateDir, offline.stateDir, { recursive: true });
      const credentials = JSON.parse(readFileSync(`${offline.stateDir}/endpoint.json`, 'utf8'));
      writeFileSync(
        `${offline.stateDir}/endpoint.json`,
        JSON.stringify({ ...credentials, server_url: gone }),
      );
      offline.handOver();
      const status = await offline.run(['status']);
      expect(status.code).toBe(4);
      // B's last word from the server: ahead, since the target dropped extra and B keeps it.
      expect(status.stdout).toMatch(/server unreachable \(ECONNREFUSED\).*\n.*status: +ahead/);
      const waybar = await offline.expect(['waybar']);
      expect(JSON.parse(waybar.stdout)).toMatchObject({ alt: 'ahead', class: 'ahead', percentage: 75 });
    } finally {
      offline.destroy();
    }
  });
});

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
