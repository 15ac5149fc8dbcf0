// A compromised or buggy server must not be able to steer pacman: every plan the CLI receives is checked
// before anything runs, and broken local files give one clear line. The server here is a real HTTP server
// that answers what an attacker would; pacman is the real binary on a throwaway root().
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { PlanItem, SyncPlan } from '@pacman-sync/shared';

import type { Operation } from '../src/api/api-types';
import { ProcessRunner, SpawnProcessRunner } from '../src/core/pacman/process-runner';
import { TestClient } from './support/cli-harness';
import { HttpTestServer, json, reply } from './support/http-test-server';
import { serverOperation } from './support/operations';
import { ARCH_REPO, iptables, libx1, SWAP_REPO } from './support/packages';
import { TestRoot, useTestRoot } from './support/pacman-fixture';
import { syncPlan } from './support/plans';

const ENDPOINT_ID = '5f0c6f0e-3a51-4a8e-9a57-0d6f2f5c9b11';
const OPERATION_ID = '9d7e6c5b-4a39-4281-8f0e-1d2c3b4a5968';

function item(overrides: Partial<PlanItem>): PlanItem {
  return {
    package_name: 'libx',
    from_version: '1.0-1',
    to_version: '2.0-1',
    wanted_version: '2.0-1',
    install_reason: 'explicit',
    source: 'repository',
    repository: 'arch',
    ...overrides,
  };
}

function planWith(upgrade: PlanItem[], remove: SyncPlan['remove'] = []): SyncPlan {
  return syncPlan({ upgrade, remove });
}

const HOSTILE: Array<[string, SyncPlan]> = [
  ['an option as a name', planWith([item({ package_name: '--root=/' })])],
  ['a lone dash (targets from stdin)', planWith([item({ package_name: '-' })])],
  ['repo/name', planWith([item({ package_name: 'core/glibc' })])],
  ['a version constraint', planWith([item({ package_name: 'x>=1' })])],
  ['a path', planWith([item({ package_name: '/etc/passwd' })])],
  ['a URL', planWith([item({ package_name: 'http://evil.example/x.pkg.tar.zst' })])],
  ['a newline in a name', planWith([item({ package_name: 'libx\n--noconfirm' })])],
  ['a newline in a version', planWith([item({ to_version: '2.0-1\n-Syu' })])],
  ['an option as a version', planWith([item({ to_version: '--dbpath=/tmp' })])],
  ['a path as repository', planWith([item({ repository: '../../etc' })])],
  ['an unknown install reason', planWith([item({ install_reason: '--asdeps' as never })])],
  ['an option in a removal', planWith([], [{ package_name: '-Rdd', version: '1.0-1' }])],
  ['not a plan at all', 'rm -rf /' as unknown as SyncPlan],
];

/** Records every program the adapter starts, so a test can prove pacman never ran a transaction. */
class RecordingRunner implements ProcessRunner {
  readonly calls: string[][] = [];
  private readonly real = new SpawnProcessRunner();

  run(program: string, args: readonly string[], options?: Parameters<ProcessRunner['run']>[2]) {
    this.calls.push([program, ...args]);
    return this.real.run(program, args, options);
  }

  get transactions(): string[][] {
    return this.calls.filter((call) => call.some((arg) => arg === '-U' || arg === '-R' || arg === '-D'));
  }
}

/** A client of `root` already enrolled as ENDPOINT_ID with `serverUrl`, syncing automatically. */
function enrolledClient(name: string, root: TestRoot, serverUrl: string): TestClient {
  const client = new TestClient(name, root, { serverUrl, autoSync: true });
  mkdirSync(client.stateDir, { recursive: true, mode: 0o700 });
  writeFileSync(
    join(client.stateDir, 'endpoint.json'),
    JSON.stringify({ endpoint_id: ENDPOINT_ID, token: 'pse_token', server_url: serverUrl }),
    { mode: 0o600 },
  );
  return client;
}

describe('the CLI against a hostile server', () => {
  let server: HttpTestServer;
  const root = useTestRoot({ repositories: [ARCH_REPO], prepare: (fresh) => fresh.install([libx1]) });
  let client: TestClient;

  beforeEach(async () => {
    server = await HttpTestServer.start();
    client = enrolledClient('hostile', root(), server.url);
  });
  afterEach(async () => {
    await server.close();
    client.destroy();
  });

  const noPending = reply(200, { items: [], total: 0, limit: 10, offset: 0 });
  const operation = (plan: unknown, status: Operation['status'] = 'pending') =>
    serverOperation({
      id: OPERATION_ID,
      endpoint_id: ENDPOINT_ID,
      status,
      details: { requested_by: 'auto_sync', plan },
    });

  it.each(HOSTILE)('sync refuses a plan with %s before pacman runs (exit 3)', async (_case, plan) => {
    server.answer(noPending, reply(200, { endpoint_id: ENDPOINT_ID, kind: 'sync', plan }));
    const runner = new RecordingRunner();
    const before = root().query();
    const result = await client.run(['sync', '--yes', '--no-report'], { adapterOptions: { runner } });
    expect(result.code).toBe(3);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^pacman-sync: (refusing the server's plan|the server's plan is malformed)/,
    );
    expect(runner.transactions).toEqual([]);
    expect(root().query()).toEqual(before);
    // Nothing was created or claimed on the server's side.
    expect(server.requests.map((request) => request.method)).toEqual(['GET', 'GET']);
  });

  it('a pending operation with a hostile plan is failed on the server with the reason, never applied', async () => {
    const hostile = planWith([item({ package_name: '--root=/' })]);
    server.answer(reply(200, { items: [operation(hostile)], total: 1, limit: 10, offset: 0 }));
    server.otherwise((_request, response) => json(response, 200, operation(hostile, 'failed')));
    const runner = new RecordingRunner();
    const result = await client.run(['sync', '--yes', '--no-report', '--json'], {
      adapterOptions: { runner },
    });
    expect(result.code).toBe(3);
    expect(result.json<{ error: { code: string } }>().error.code).toBe('UNSAFE_PLAN');
    const fail = server.requests.find((request) => request.url === `/api/operations/${OPERATION_ID}/fail`);
    expect(JSON.parse(fail!.body).error).toMatch(
      /refusing the server's plan: upgrade\[0\]\.package_name "--root=\/"/,
    );
    expect(runner.transactions).toEqual([]);
  });

  it('the daemon claims an auto_sync operation, refuses its hostile plan and fails it on the server', async () => {
    const hostile = planWith([item({ to_version: '1.0-1 --overwrite=*' })]);
    server.otherwise((request, response) => {
      if (request.url.startsWith('/api/operations?')) {
        json(response, 200, { items: [operation(hostile)], total: 1, limit: 20, offset: 0 });
      } else if (request.url.endsWith('/claim')) {
        json(response, 200, operation(hostile, 'in_progress'));
      } else if (request.url.endsWith('/fail')) {
        json(response, 200, operation(hostile, 'failed'));
      } else if (request.url.endsWith('/repositories')) {
        json(response, 200, { known: true, changed: false, content_hash: null, new_contents: 0 });
      } else if (request.url.endsWith('/state')) {
        json(response, 200, { known: true, changed: false, state_id: null, sync_status: 'behind' });
      } else {
        json(response, 404, { error: { code: 'NOT_FOUND', message: 'no' } });
      }
    });
    const runner = new RecordingRunner();
    const result = await client.run(['daemon', '--once', '--json'], { adapterOptions: { runner } });
    expect(result.code).toBe(1);
    const cycle = result.json<{ failed: Array<{ id: string; error: string }> }>();
    expect(cycle.failed).toEqual([{ id: OPERATION_ID, error: expect.stringMatching(/to_version/) }]);
    const paths = server.requests.map((request) => `${request.method} ${request.url.split('?')[0]}`);
    expect(paths).toContain(`POST /api/operations/${OPERATION_ID}/claim`);
    expect(paths).toContain(`POST /api/operations/${OPERATION_ID}/fail`);
    expect(runner.transactions).toEqual([]);
  });
});

describe('the CLI given a plan whose install would remove a package the plan keeps', () => {
  let server: HttpTestServer;
  const root = useTestRoot({ repositories: [SWAP_REPO], prepare: (fresh) => fresh.install([iptables]) });
  let client: TestClient;

  beforeEach(async () => {
    server = await HttpTestServer.start();
    client = enrolledClient('swap', root(), server.url);
  });
  afterEach(async () => {
    await server.close();
    client.destroy();
  });

  it('refuses it before any pacman transaction, fails the operation and exits 3', async () => {
    // iptables-nft conflicts with iptables, which the plan does not remove (remove_extra off).
    const plan = syncPlan({
      install: [
        item({ package_name: 'iptables-nft', from_version: null, to_version: '1.8.9-1', repository: 'core' }),
      ],
    });
    const pending = serverOperation({
      id: OPERATION_ID,
      endpoint_id: ENDPOINT_ID,
      status: 'pending',
      details: { requested_by: 'auto_sync', plan },
    });
    server.otherwise((request, response) => {
      if (request.url.startsWith('/api/operations?')) {
        json(response, 200, { items: [pending], total: 1, limit: 10, offset: 0 });
      } else if (request.url.endsWith('/claim')) {
        json(response, 200, { ...pending, status: 'in_progress' });
      } else if (request.url.endsWith('/fail')) {
        json(response, 200, { ...pending, status: 'failed' });
      } else if (request.url.endsWith('/state')) {
        json(response, 200, { known: true, changed: false, state_id: null, sync_status: 'behind' });
      } else {
        json(response, 404, { error: { code: 'NOT_FOUND', message: 'no' } });
      }
    });
    const runner = new RecordingRunner();

    const result = await client.run(['sync', '--yes', '--no-report', '--json'], {
      adapterOptions: { runner },
    });

    expect(result.code).toBe(3);
    expect(result.json<{ error: { code: string } }>().error.code).toBe('PACMAN_PACKAGE_CONFLICT');
    const fail = server.requests.find((request) => request.url === `/api/operations/${OPERATION_ID}/fail`);
    expect(JSON.parse(fail!.body).error).toMatch(/would remove iptables, which the plan keeps/);
    expect(runner.transactions).toEqual([]);
    expect(root().query()).toEqual(new Map([['iptables', '1.8.9-1']]));
  });
});

describe('broken local files give one clear line', () => {
  const root = useTestRoot({ repositories: [] });

  it('a malformed client.conf names the file, line and key (exit 1)', async () => {
    const client = new TestClient('badconf', root(), { serverUrl: 'http://127.0.0.1:9' });
    try {
      writeFileSync(client.configFile, '[server]\nurl = ftp://example.org\n');
      const result = await client.run(['register']);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^pacman-sync: .*client\.conf:2: \[server\] url must be a http: or https: URL/),
      ]);
      writeFileSync(client.configFile, '[nonsense]\n');
      const unknown = await client.run(['register']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/unknown section \[nonsense\]/);
    } finally {
      client.destroy();
    }
  });

  it('a damaged token file says which file and what to do (exit 1)', async () => {
    const client = new TestClient('badtoken', root(), { serverUrl: 'http://127.0.0.1:9' });
    try {
      mkdirSync(client.stateDir, { recursive: true });
      writeFileSync(join(client.stateDir, 'endpoint.json'), '{"endpoint_id": ');
      const result = await client.run(['status', '--json']);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^pacman-sync: .*endpoint\.json: not valid JSON; delete it and run the command again$/,
        ),
      ]);
      expect(result.json<{ error: { code: string } }>().error.code).toBe('STATE_FILE_ERROR');
      writeFileSync(
        join(client.stateDir, 'endpoint.json'),
        JSON.stringify({ endpoint_id: '../../x', token: 't', server_url: 'http://x' }),
      );
      const traversal = await client.run(['sync', '--yes']);
      expect(traversal.code).toBe(1);
      expect(traversal.stderr).toMatch(/"endpoint_id" is malformed/);
    } finally {
      client.destroy();
    }
  });

  it('usage errors exit 2 and name the problem', async () => {
    const client = new TestClient('usage', root(), { serverUrl: 'http://127.0.0.1:9' });
    try {
      const unknownCommand = await client.run(['frobnicate']);
      expect(unknownCommand.code).toBe(2);
      expect(unknownCommand.stderr).toMatch(/unknown command "frobnicate"/);
      const unknownFlag = await client.run(['sync', '--force-everything']);
      expect(unknownFlag.code).toBe(2);
      expect(unknownFlag.stderr).toMatch(/Unknown option '--force-everything'/);
      const help = await client.expect(['revert', '--help']);
      expect(help.stdout).toMatch(/^usage: pacman-sync revert/);
    } finally {
      client.destroy();
    }
  });
});
