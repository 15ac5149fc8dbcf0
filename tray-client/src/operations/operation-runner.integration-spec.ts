import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DEFAULT_SYNC_POLICY, planSync, SystemState } from '@pacman-sync/shared';

import { HttpTestServer, json, RecordedRequest } from '../../test/support/http-test-server';
import { serverOperation } from '../../test/support/operations';
import { TestRoot, useTestRoot } from '../../test/support/pacman-fixture';
import { app2, libx2, REPOSITORIES, tool10 } from '../../test/support/packages';
import { planItem, syncPlan } from '../../test/support/plans';
import type { Operation } from '../api/api-types';
import { PacmanSyncApi } from '../api/pacman-sync-api';
import { StateStore } from '../core/config/state-dir';
import { PacmanError } from '../core/pacman/pacman-errors';
import { SyncProgress } from '../core/sync/progress';
import { Reporter } from '../reporting/reporter';
import { OperationRunner, SyncBusyError } from './operation-runner';
import { UnsafePlanError } from './plan-validation';

const ENDPOINT_ID = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

function pendingOperation(id: string, plan: unknown): Operation {
  return serverOperation({ id, endpoint_id: ENDPOINT_ID, details: { plan, requested_by: 'test' } });
}

/**
 * A server that hands out the operations it is given, records what the runner reports, and does not know
 * any snapshot, so the state after the change arrives in full.
 */
function answerOperations(server: HttpTestServer, operations: Operation[]): void {
  server.otherwise((request, response) => {
    const action = /^\/api\/operations\/([^/]+)\/(claim|progress|complete|fail)$/.exec(request.url);
    const operation = action && operations.find((candidate) => candidate.id === action[1]);
    if (operation) {
      const status = { claim: 'in_progress', progress: 'in_progress', complete: 'completed', fail: 'failed' };
      json(response, 200, { ...operation, status: status[action[2] as keyof typeof status] });
    } else if (request.url.endsWith('/state')) {
      const full = 'packages' in JSON.parse(request.body);
      json(response, 200, { known: full, changed: full, state_id: null, sync_status: 'in_sync' });
    } else {
      json(response, 404, { error: { code: 'NOT_FOUND', message: 'not here' } });
    }
  });
}

const posted = (requests: RecordedRequest[], suffix: string) =>
  requests.filter((request) => request.url.endsWith(suffix)).map((request) => JSON.parse(request.body));

const reportedPackages = (requests: RecordedRequest[]) =>
  (posted(requests, '/state').find((body) => 'packages' in body) as SystemState | undefined)?.packages.map(
    (p) => `${p.package_name} ${p.version}`,
  );

describe('OperationRunner against the real pacman and a real HTTP server', () => {
  const root = useTestRoot({ repositories: REPOSITORIES, perTest: true });
  let server: HttpTestServer;
  let stateDir: string;

  beforeEach(async () => {
    server = await HttpTestServer.start();
    stateDir = mkdtempSync(join(tmpdir(), 'pacman-sync-runner-'));
  });
  afterEach(async () => {
    await server.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  function runnerFor(adapter = root().rootAdapter()): OperationRunner {
    const api = new PacmanSyncApi({ serverUrl: server.url, token: 'pse_runner', retry: { maxAttempts: 1 } });
    const store = new StateStore(join(stateDir, 'state'));
    const reporter = new Reporter({ api, adapter, store, endpointId: ENDPOINT_ID });
    return new OperationRunner({ api, adapter, reporter, progressIntervalMs: 0 });
  }

  it('syncs one root to the state of another through the shared planner, and reports the new state', async () => {
    // The reference machine runs the manjaro versions with app and libx; this one is on arch's tool only.
    const reference = TestRoot.create({ repositories: REPOSITORIES });
    try {
      reference.install([libx2, app2], { asdeps: ['libx'] });
      root().install([tool10]);
      const wanted = await reference.adapter().readInstalledState();
      const adapter = root().rootAdapter();
      const current = await adapter.readInstalledState();
      const offer = await adapter.readPackageOffer();
      const policy = { ...DEFAULT_SYNC_POLICY, remove_extra: true };
      const plan = planSync(current, wanted, policy, offer);
      expect(plan.unavailable).toEqual([]);
      const operation = pendingOperation('11111111-1111-4111-8111-111111111111', plan);
      answerOperations(server, [operation]);
      const events: SyncProgress[] = [];

      const outcome = await runnerFor(adapter).run(operation, (p) => events.push(p));

      expect(outcome.operation.status).toBe('completed');
      expect(root().query()).toEqual(reference.query());
      const fullReport = posted(server.requests, '/state').find((body) => 'packages' in body) as SystemState;
      const strip = (s: SystemState) => s.packages.map((p) => [p.package_name, p.version, p.install_reason]);
      expect(strip(fullReport)).toEqual(strip(wanted));
      expect(outcome.report?.sync_status).toBe('in_sync');
      // One read of the state after the change: the check-in hash and the full list describe the same read.
      expect(posted(server.requests, '/state')).toHaveLength(2);
      expect(events.some((event) => event.phase === 'install')).toBe(true);
      expect(events[events.length - 1].phase).toBe('done');
      expect(posted(server.requests, '/progress').at(-1)).toMatchObject({ percent: 100 });
      expect(posted(server.requests, '/complete')[0].summary).toMatch(
        /^installed 2, upgraded 0, downgraded 0, removed 1 in /,
      );
    } finally {
      reference.destroy();
    }
  });

  it('fails the operation with pacman’s message and output tail, reports the unchanged state, and throws the PacmanError', async () => {
    root().install([tool10]);
    writeFileSync(join(root().dbpath, 'db.lck'), '');
    const operation = pendingOperation(
      '22222222-2222-4222-8222-222222222222',
      syncPlan({ upgrade: [planItem('tool', '1.0-1', '1.1-1', { repository: 'arch' })] }),
    );
    answerOperations(server, [operation]);

    const failure = await runnerFor()
      .run(operation)
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(PacmanError);
    expect(failure).toMatchObject({ code: 'LOCK_HELD' });
    const [failed] = posted(server.requests, '/fail');
    expect(failed.error).toBe((failure as Error).message);
    expect(failed.summary).toContain('unable to lock database');
    expect(posted(server.requests, '/complete')).toEqual([]);
    expect(reportedPackages(server.requests)).toEqual(['tool 1.0-1']);
  });

  it('refuses a hostile plan without running pacman and fails the operation with the reason', async () => {
    const operation = pendingOperation(
      '33333333-3333-4333-8333-333333333333',
      syncPlan({ install: [planItem('--root=/', null, '1.1-1')] }),
    );
    answerOperations(server, [operation]);

    await expect(runnerFor().run(operation)).rejects.toThrow(UnsafePlanError);

    expect(posted(server.requests, '/fail')).toEqual([
      expect.objectContaining({ error: expect.stringContaining('--root=/'), summary: '' }),
    ]);
    expect(root().query().size).toBe(0);
  });

  it('refuses a second operation while one is running, before claiming it', async () => {
    root().install([tool10]);
    const first = pendingOperation(
      '44444444-4444-4444-8444-444444444444',
      syncPlan({ upgrade: [planItem('tool', '1.0-1', '1.1-1', { repository: 'arch' })] }),
    );
    const second = pendingOperation(
      '55555555-5555-4555-8555-555555555555',
      syncPlan({ upgrade: [planItem('tool', '1.0-1', '1.1-1', { repository: 'arch' })] }),
    );
    answerOperations(server, [first, second]);
    const runner = runnerFor();

    const running = runner.run(first);
    expect(runner.busy).toBe(true);
    await expect(runner.run(second)).rejects.toThrow(SyncBusyError);

    expect((await running).operation.status).toBe('completed');
    expect(runner.busy).toBe(false);
    expect(
      server.requests.some((request) => request.url.includes('55555555-5555-4555-8555-555555555555')),
    ).toBe(false);
    expect(root().query().get('tool')).toBe('1.1-1');
  });
});
