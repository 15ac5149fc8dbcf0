import { Client } from 'pg';

import type { BusMessage, ServerEvent } from '../../src/events/events.service';
import { EVENTS_APPLICATION_NAME, PgNotifyEventBus } from '../../src/events/pg-notify-bus';
import { e2eDatabase, sleep } from './support/server-process';

jest.setTimeout(60_000);

const event = (poolId: string, extra: Record<string, unknown> = {}): ServerEvent => ({
  type: 'pool.target_changed',
  data: { pool_id: poolId, ...extra },
  timestamp: new Date().toISOString(),
});

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

// The bus on its own, two of them (as two instances would hold) on one real PostgreSQL database.
describe('PgNotifyEventBus', () => {
  let databaseUrl: string;
  let admin: Client;
  const buses: PgNotifyEventBus[] = [];
  const logs: string[] = [];

  const makeBus = async (applicationName = EVENTS_APPLICATION_NAME) => {
    const bus = new PgNotifyEventBus({
      connectionString: databaseUrl,
      applicationName,
      log: (level, message) => logs.push(`${level}: ${message}`),
      initialBackoffMs: 50,
      maxBackoffMs: 400,
    });
    await bus.onModuleInit();
    buses.push(bus);
    return bus;
  };

  beforeAll(async () => {
    databaseUrl = await e2eDatabase();
    admin = new Client({ connectionString: databaseUrl });
    await admin.connect();
  });

  afterAll(async () => {
    await Promise.all(buses.map((bus) => bus.onApplicationShutdown()));
    await admin?.end();
  });

  it('delivers every event once to the subscribers of both buses, in order, whoever published it', async () => {
    const [a, b] = [await makeBus(), await makeBus()];
    const gotA: string[] = [];
    const gotB: string[] = [];
    a.subscribe((e) => gotA.push(String(e.data.pool_id)));
    b.subscribe((e) => gotB.push(String(e.data.pool_id)));
    for (let index = 0; index < 20; index++) (index % 3 === 0 ? b : a).publish(event(`p${index}`));
    await until(() => gotA.length >= 20 && gotB.length >= 20, 5000, 'both buses to see 20 events');
    await sleep(200);
    const expectedFromA = Array.from({ length: 20 }, (_u, i) => `p${i}`).filter((_p, i) => i % 3 !== 0);
    const expectedFromB = Array.from({ length: 20 }, (_u, i) => `p${i}`).filter((_p, i) => i % 3 === 0);
    expect(gotA).toHaveLength(20);
    expect(gotB).toHaveLength(20);
    // Per publisher, the order is kept on both sides.
    expect(gotB.filter((p) => expectedFromA.includes(p))).toEqual(expectedFromA);
    expect(gotA.filter((p) => expectedFromB.includes(p))).toEqual(expectedFromB);
  });

  it('splits an event larger than the NOTIFY payload limit and puts it back together', async () => {
    const [a, b] = [await makeBus(), await makeBus()];
    const received: BusMessage[] = [];
    b.subscribe((e) => received.push(e));
    const big = event('big', { note: 'é'.repeat(30_000), list: Array.from({ length: 500 }, (_u, i) => i) });
    a.publish(big);
    await until(() => received.length === 1, 5000, 'the large event');
    expect(received[0]).toEqual(big);
    expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(8000);
  });

  it('reconnects by itself when its connection is killed, and sends what was published meanwhile', async () => {
    const [a, b] = [await makeBus('pacman-sync-events-killed'), await makeBus()];
    const received: string[] = [];
    b.subscribe((e) => received.push(String(e.data.pool_id)));
    // Kill a's connection, as a network cut would.
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
      'pacman-sync-events-killed',
    ]);
    await until(() => !a.isListening(), 5000, 'the bus to notice the lost connection');
    a.publish(event('while-down'));
    await until(() => a.isListening(), 10_000, 'the bus to reconnect');
    a.publish(event('after'));
    await until(() => received.includes('after'), 5000, 'the event published after the reconnect');
    expect(received).toContain('while-down');
    expect(a.stats().reconnects).toBeGreaterThanOrEqual(1);
    expect(logs.some((line) => /LISTEN connection lost/.test(line))).toBe(true);
  });

  it('carries credential notices to the other instance like events', async () => {
    const [a, b] = [await makeBus(), await makeBus()];
    const received: BusMessage[] = [];
    b.subscribe((e) => received.push(e));
    const notice: BusMessage = {
      type: 'credential.changed',
      data: { kind: 'api_token', id: 'a3c1' },
      timestamp: new Date().toISOString(),
    };
    a.publish(notice);
    await until(() => received.length === 1, 5000, 'the credential notice');
    expect(received[0]).toEqual(notice);
  });

  it('ignores notifications on its channel that are not server events or credential notices', async () => {
    const bus = await makeBus();
    const received: BusMessage[] = [];
    bus.subscribe((e) => received.push(e));
    await admin.query(`SELECT pg_notify('pacman_sync_events', $1)`, ['not json']);
    await admin.query(`SELECT pg_notify('pacman_sync_events', $1)`, [
      JSON.stringify({ o: 'someone', e: { type: 'shell.exec', data: {}, timestamp: 'now' } }),
    ]);
    for (const data of [{ kind: 'root', id: 'x' }, { kind: 'user' }, { kind: 'user', id: 7 }]) {
      await admin.query(`SELECT pg_notify('pacman_sync_events', $1)`, [
        JSON.stringify({ o: 'someone', e: { type: 'credential.changed', data, timestamp: 'now' } }),
      ]);
    }
    await admin.query(`SELECT pg_notify('pacman_sync_events', $1)`, [
      JSON.stringify({ o: 'someone', m: 'x', i: 5, n: 2, b: '' }),
    ]);
    await admin.query(`SELECT pg_notify('pacman_sync_events', $1)`, [
      JSON.stringify({ o: 'someone', e: event('genuine') }),
    ]);
    await until(() => received.length === 1, 5000, 'the genuine event');
    await sleep(200);
    expect(received.map((e) => e.data.pool_id)).toEqual(['genuine']);
  });
});
