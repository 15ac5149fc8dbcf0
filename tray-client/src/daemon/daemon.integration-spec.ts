import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { WebSocketServer } from 'ws';

import { HttpTestServer, json, RecordedRequest } from '../../test/support/http-test-server';
import { ARCH_REPO, libx1 } from '../../test/support/packages';
import { useTestRoot } from '../../test/support/pacman-fixture';
import { syncPlan } from '../../test/support/plans';
import { PacmanSyncApi } from '../api/pacman-sync-api';
import { StateStore } from '../core/config/state-dir';
import { OperationRunner } from '../operations/operation-runner';
import { Reporter } from '../reporting/reporter';
import { Daemon } from './daemon';

const ENDPOINT_ID = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

/** A server that knows every snapshot (check-ins succeed) and has no operations unless told otherwise. */
function answerRoutine(server: HttpTestServer, operations: () => unknown[] = () => []): void {
  server.otherwise((request, response) => {
    if (request.url.endsWith('/state')) {
      json(response, 200, { known: true, changed: false, state_id: null, sync_status: 'in_sync' });
    } else if (request.url.endsWith('/repositories')) {
      json(response, 200, { known: true, changed: false, content_hash: null, new_contents: 0 });
    } else if (request.url.startsWith('/api/operations?')) {
      const items = operations();
      json(response, 200, { items, total: items.length, limit: 20, offset: 0 });
    } else {
      json(response, 404, { error: { code: 'NOT_FOUND', message: 'not here' } });
    }
  });
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const stateReports = (requests: RecordedRequest[]) =>
  requests.filter((request) => request.url.endsWith('/state'));

describe('Daemon', () => {
  const root = useTestRoot({ repositories: [ARCH_REPO], prepare: (fresh) => fresh.install([libx1]) });
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pacman-sync-daemon-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function daemonFor(serverUrl: string, overrides: Partial<ConstructorParameters<typeof Daemon>[0]> = {}) {
    const api = new PacmanSyncApi({ serverUrl, token: 'pse_daemon', retry: { maxAttempts: 1 } });
    const adapter = root().rootAdapter();
    const store = new StateStore(join(dir, 'state'));
    const reporter = new Reporter({ api, adapter, store, endpointId: ENDPOINT_ID });
    const runner = new OperationRunner({ api, adapter, reporter });
    const lines: string[] = [];
    const daemon = new Daemon({
      api,
      reporter,
      runner,
      endpointId: ENDPOINT_ID,
      serverUrl,
      token: 'pse_daemon',
      autoSync: false,
      updateIntervalMs: 60_000,
      pollIntervalMs: 60_000,
      retryDelayMs: 50,
      stampPaths: [join(dir, 'stamp', 'transaction.stamp')],
      stampPollMs: 200,
      useEvents: false,
      log: (line) => lines.push(line),
      ...overrides,
    });
    return { daemon, store, lines };
  }

  it('reports on start and again when the pacman hook touches the stamp', async () => {
    const server = await HttpTestServer.start();
    answerRoutine(server);
    const { daemon, store } = daemonFor(server.url);
    const running = daemon.run();
    try {
      await waitFor(() => store.readLastStatus() !== null, 'the start-up report');
      expect(store.readLastStatus()?.sync_status).toBe('in_sync');
      const before = stateReports(server.requests).length;
      mkdirSync(join(dir, 'stamp'), { recursive: true });
      writeFileSync(join(dir, 'stamp', 'transaction.stamp'), '');
      await waitFor(() => stateReports(server.requests).length > before, 'a report after the transaction');
    } finally {
      daemon.stop();
      await running;
      await server.close();
    }
  });

  it('survives a server restart: retries with backoff and delivers the newest state once the server is back', async () => {
    const server = await HttpTestServer.start();
    const port = server.port;
    await server.close();
    const { daemon } = daemonFor(`http://127.0.0.1:${port}`);
    const running = daemon.run();
    let revived: HttpTestServer | null = null;
    try {
      // Let a few cycles fail against the closed port.
      await new Promise((resolve) => setTimeout(resolve, 400));
      revived = await HttpTestServer.start(port);
      answerRoutine(revived);
      const back = revived;
      await waitFor(() => stateReports(back.requests).length >= 1, 'the report after the restart');
      expect(JSON.parse(stateReports(back.requests)[0].body).content_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    } finally {
      daemon.stop();
      await running;
      await revived?.close();
    }
  });

  it('learns about operations over WS /api/events with its bearer token and leaves them without auto_sync', async () => {
    const server = await HttpTestServer.start();
    const pending = {
      id: '1e2d3c4b-5a69-4788-9766-554433221100',
      pool_id: null,
      endpoint_id: ENDPOINT_ID,
      operation_type: 'sync',
      status: 'pending',
      details: {
        requested_by: 'admin',
        plan: syncPlan(),
      },
      created_at: new Date().toISOString(),
    };
    let offered = false;
    answerRoutine(server, () => (offered ? [pending] : []));
    const sockets = new WebSocketServer({ server: server.server, path: '/api/events' });
    const authorizations: Array<string | undefined> = [];
    sockets.on('connection', (_socket, request) => authorizations.push(request.headers.authorization));
    const confirmed: string[] = [];
    const { daemon, store } = daemonFor(server.url, {
      useEvents: true,
      confirm: async (operation) => {
        confirmed.push(operation.id);
        return false;
      },
    });
    const running = daemon.run();
    try {
      await waitFor(() => authorizations.length === 1, 'the event stream connection');
      expect(authorizations).toEqual(['Bearer pse_daemon']);
      await waitFor(() => stateReports(server.requests).length >= 1, 'the start-up report');
      offered = true;
      for (const socket of sockets.clients) {
        socket.send(
          JSON.stringify({ type: 'operation.updated', data: { ...pending }, timestamp: pending.created_at }),
        );
        socket.send('not json');
      }
      await waitFor(() => confirmed.length === 1, 'the operation to reach the confirmer');
      for (const socket of sockets.clients) {
        socket.send(
          JSON.stringify({
            type: 'endpoint.status',
            data: { endpoint_id: ENDPOINT_ID, sync_status: 'behind' },
          }),
        );
      }
      await waitFor(
        () => store.readLastStatus()?.sync_status === 'behind',
        'the status event to reach the cache',
      );
      expect(confirmed).toEqual([pending.id]);
      expect(server.requests.some((request) => request.url.endsWith('/claim'))).toBe(false);
    } finally {
      daemon.stop();
      await running;
      sockets.close();
      await server.close();
    }
  });
});
