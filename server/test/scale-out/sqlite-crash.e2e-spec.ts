import * as fs from 'node:fs';
import * as path from 'node:path';

import Database from 'better-sqlite3';

import { makeState } from '../support/fixtures';
import { api, login, ServerProcess, sleep, startServerProcess } from './support/server-process';

jest.setTimeout(120_000);

// The embedded database: a single instance killed with SIGKILL in the middle of a write load (power cut,
// OOM killer). SQLite in WAL mode must come back intact with every write the server acknowledged.
describe('kill -9 of a single instance on SQLite during writes', () => {
  let dataDir: string;
  let restarted: ServerProcess | undefined;

  afterAll(async () => {
    await restarted?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the database passes integrity_check and holds every acknowledged report after a restart', async () => {
    // No snapshot cleanup: every acknowledged report must still be there to be counted.
    const server = await startServerProcess({ DATABASE_TYPE: 'internal', AUTO_CLEANUP_OLD_STATES: 'false' });
    dataDir = server.dataDir;
    const token = await login(server);
    const endpoints: { id: string; token: string }[] = [];
    for (let index = 0; index < 6; index++) {
      const created = await api<{ endpoint: { id: string }; token: string }>(`${server.url}/api/endpoints`, {
        method: 'POST',
        token,
        body: { name: `crash-${index}`, hostname: `crash-${index}.lan` },
      });
      expect(created.status).toBe(201);
      endpoints.push({ id: created.body.endpoint.id, token: created.body.token });
    }

    const acknowledged: string[] = [];
    let failedAfterKill = 0;
    let killed = false;
    const worker = async (index: number) => {
      for (let round = 0; !killed; round++) {
        const state = makeState(40, { seed: index, version: (_name, base) => `${base}.${round}` });
        try {
          const response = await api<{ state_id: string }>(
            `${server.url}/api/endpoints/${endpoints[index].id}/state`,
            { method: 'POST', token: endpoints[index].token, body: state },
          );
          if (response.status === 200) acknowledged.push(response.body.state_id);
          else throw new Error(`unexpected ${response.status} before the kill`);
        } catch (error) {
          if (!killed) throw error;
          failedAfterKill++;
          return;
        }
      }
    };
    const load = endpoints.map((_endpoint, index) => worker(index));
    await sleep(1500);
    killed = true;
    server.child.kill('SIGKILL');
    expect(await server.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await Promise.all(load);
    expect(acknowledged.length).toBeGreaterThan(20);

    // Straight from the files the killed process left (WAL included), before any server touches them.
    const file = path.join(dataDir, 'pacman-sync.sqlite');
    const db = new Database(file);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const present = db
        .prepare(`SELECT id FROM package_states WHERE id IN (${acknowledged.map(() => '?').join(',')})`)
        .all(...acknowledged) as { id: string }[];
      expect(present.length).toBe(acknowledged.length);
    } finally {
      db.close();
    }

    // And the server starts again on them, serving what it acknowledged before the kill.
    restarted = await startServerProcess({
      DATABASE_TYPE: 'internal',
      DATA_DIR: dataDir,
      AUTO_CLEANUP_OLD_STATES: 'false',
    });
    const again = await login(restarted);
    const last = acknowledged[acknowledged.length - 1];
    expect((await api(`${restarted.url}/api/states/${last}`, { token: again })).status).toBe(200);
    process.stdout.write(
      `sqlite kill -9 figures: ${JSON.stringify({ acknowledged: acknowledged.length, failed_in_flight: failedAfterKill })}\n`,
    );
  });
});
