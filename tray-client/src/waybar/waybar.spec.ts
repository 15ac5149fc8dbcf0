import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { StateStore } from '../core/config/state-dir';
import { FOLLOW_TICK_MS, runWaybar, waybarOutput } from './waybar';

const NOW = Date.parse('2026-01-01T12:00:00Z');

describe('waybarOutput', () => {
  it('shows the cached status with its summary, class and percentage', () => {
    const output = waybarOutput(
      {
        endpoint_id: 'e',
        sync_status: 'behind',
        checked_at: '2026-01-01T11:59:00Z',
        summary: 'behind: 2 to upgrade',
      },
      { now: NOW, staleAfterMs: 900_000 },
    );
    expect(output).toEqual({
      text: 'behind',
      tooltip: 'pacman-sync: behind: 2 to upgrade\nchecked 2026-01-01T11:59:00Z',
      class: 'behind',
      alt: 'behind',
      percentage: 50,
    });
  });

  it('marks a status older than three report intervals as stale', () => {
    const output = waybarOutput(
      { endpoint_id: 'e', sync_status: 'in_sync', checked_at: '2026-01-01T11:00:00Z', summary: null },
      { now: NOW, staleAfterMs: 900_000 },
    );
    expect(output.class).toEqual(['in_sync', 'stale']);
    expect(output.tooltip).toMatch(/not refreshed for a while/);
  });

  it('says when nothing is cached yet', () => {
    expect(waybarOutput(null, { now: NOW, staleAfterMs: 1 })).toMatchObject({
      alt: 'unregistered',
      percentage: 0,
    });
  });
});

describe('runWaybar', () => {
  let home: string;
  let env: Record<string, string>;
  let store: StateStore;

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'pacman-sync-waybar-'));
    env = { HOME: home, XDG_STATE_HOME: join(home, 'state'), XDG_CONFIG_HOME: join(home, 'config') };
    store = StateStore.fromEnvironment(env);
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('turns a damaged cache into an error line instead of failing the bar', async () => {
    mkdirSync(store.dir, { recursive: true });
    writeFileSync(store.lastStatusPath, '{"sync_status": "hacked"');
    let out = '';
    const code = await runWaybar(
      { stdout: { write: (text: string) => (out += text) }, env },
      { follow: false, configFlag: null },
    );
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ alt: 'error', class: 'error' });
  });

  it('--follow prints one line per change of the cache, as whole lines', async () => {
    const lines: string[] = [];
    const controller = new AbortController();
    const running = runWaybar(
      { stdout: { write: (text: string) => lines.push(text) }, env },
      { follow: true, configFlag: null, signal: controller.signal },
    );
    expect(JSON.parse(lines[0]).alt).toBe('unregistered');
    const write = (status: 'behind' | 'in_sync') =>
      store.writeLastStatus({
        endpoint_id: 'e',
        sync_status: status,
        checked_at: new Date().toISOString(),
        summary: null,
      });
    write('behind');
    await waitFor(() => lines.some((line) => JSON.parse(line).alt === 'behind'));
    write('in_sync');
    await waitFor(() => lines.some((line) => JSON.parse(line).alt === 'in_sync'));
    controller.abort();
    expect(await running).toBe(0);
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    expect(lines.map((line) => JSON.parse(line).alt)).toEqual(['unregistered', 'behind', 'in_sync']);
  });

  it('--follow ends with 0 when writing fails (EPIPE: its reader is gone)', async () => {
    const stdout = Object.assign(new EventEmitter(), { write: (_text: string) => true });
    const running = runWaybar({ stdout, env }, { follow: true, configFlag: null });
    stdout.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(await running).toBe(0);
  });

  it('--follow ends with 0 when the process that started it is gone, re-sending its line until then', async () => {
    const lines: string[] = [];
    let parentGone = false;
    const running = runWaybar(
      { stdout: { write: (text: string) => lines.push(text) }, env },
      { follow: true, configFlag: null, heartbeat: true, parentGone: () => parentGone },
    );
    await waitFor(() => lines.length >= 2, FOLLOW_TICK_MS * 4);
    expect(lines[1]).toBe(lines[0]);
    parentGone = true;
    expect(await running).toBe(0);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
