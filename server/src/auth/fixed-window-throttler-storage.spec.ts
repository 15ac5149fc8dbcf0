import { FixedWindowThrottlerStorage, SharedRateLimitCounters } from './fixed-window-throttler-storage';

describe('FixedWindowThrottlerStorage', () => {
  let storage: FixedWindowThrottlerStorage;
  let now: number;

  beforeEach(() => {
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    storage = new FixedWindowThrottlerStorage();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await storage.onModuleDestroy();
  });

  it('allows `limit` hits in a window and blocks the next for the block duration', async () => {
    for (let hit = 1; hit <= 3; hit++) {
      const record = await storage.increment('default:endpoint:a', 60_000, 3, 30_000);
      expect(record).toEqual({ totalHits: hit, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
    }
    const blocked = await storage.increment('default:endpoint:a', 60_000, 3, 30_000);
    expect(blocked).toMatchObject({ isBlocked: true, timeToBlockExpire: 30 });

    now += 10_000; // still blocked: a blocked client's hits do not count and do not extend the block
    expect(await storage.increment('default:endpoint:a', 60_000, 3, 30_000)).toMatchObject({
      isBlocked: true,
      totalHits: 4,
      timeToBlockExpire: 20,
    });
  });

  it('counts clients apart', async () => {
    await storage.increment('default:endpoint:a', 60_000, 1, 60_000);
    expect((await storage.increment('default:endpoint:a', 60_000, 1, 60_000)).isBlocked).toBe(true);
    expect((await storage.increment('default:endpoint:b', 60_000, 1, 60_000)).isBlocked).toBe(false);
  });

  it('starts a new window once the old one and any block have passed', async () => {
    for (let hit = 0; hit < 3; hit++) await storage.increment('k', 60_000, 2, 60_000);
    now += 59_999;
    expect((await storage.increment('k', 60_000, 2, 60_000)).isBlocked).toBe(true);
    now += 2; // the window ended at +60 s; the block started on the third hit, so it also ended
    expect(await storage.increment('k', 60_000, 2, 60_000)).toEqual({
      totalHits: 1,
      timeToExpire: 60,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
  });

  it('merges its hits with the other instances’ and joins the shared window', async () => {
    // The shared table's behaviour, in memory: two instances write to one row per client.
    const rows = new Map<string, { startedAt: number; hits: number }>();
    const table = {
      add: async (entries: Array<{ key: string; startedAt: number; ttl: number; hits: number }>) => {
        for (const entry of entries) {
          const row = rows.get(entry.key);
          rows.set(
            entry.key,
            !row || row.startedAt <= entry.startedAt - entry.ttl
              ? { startedAt: entry.startedAt, hits: entry.hits }
              : { startedAt: row.startedAt, hits: row.hits + entry.hits },
          );
        }
        return new Map(entries.map((entry) => [entry.key, rows.get(entry.key)!]));
      },
      forgetBefore: async () => undefined,
    } as unknown as SharedRateLimitCounters;
    const first = new FixedWindowThrottlerStorage(table);
    const second = new FixedWindowThrottlerStorage(table);
    try {
      for (let hit = 0; hit < 3; hit++) await first.increment('k', 60_000, 5, 60_000);
      now += 30_000;
      for (let hit = 0; hit < 2; hit++) await second.increment('k', 60_000, 5, 60_000);
      await first.merge();
      await second.merge();
      // The second instance now knows of all five hits and of the window the first one started.
      expect(await second.increment('k', 60_000, 5, 60_000)).toEqual({
        totalHits: 6,
        timeToExpire: 30,
        isBlocked: true,
        timeToBlockExpire: 60,
      });
      // The first learns of the others' hits when it merges its next ones, within a second of them.
      expect((await first.increment('k', 60_000, 5, 60_000)).isBlocked).toBe(false);
      await first.merge();
      expect((await first.increment('k', 60_000, 5, 60_000)).isBlocked).toBe(true);
    } finally {
      await first.onModuleDestroy();
      await second.onModuleDestroy();
    }
  });

  it('keeps the hits it could not merge and merges them later', async () => {
    let fail = true;
    const added: number[] = [];
    const table = {
      add: async (entries: Array<{ key: string; startedAt: number; hits: number }>) => {
        if (fail) throw new Error('database away');
        added.push(...entries.map((entry) => entry.hits));
        return new Map(entries.map((entry) => [entry.key, { startedAt: entry.startedAt, hits: entry.hits }]));
      },
      forgetBefore: async () => undefined,
    } as unknown as SharedRateLimitCounters;
    const instance = new FixedWindowThrottlerStorage(table);
    try {
      await instance.increment('k', 60_000, 10, 60_000);
      await instance.increment('k', 60_000, 10, 60_000);
      await instance.merge();
      expect((await instance.increment('k', 60_000, 10, 60_000)).totalHits).toBe(3);
      fail = false;
      await instance.merge();
      expect(added).toEqual([3]);
      expect((await instance.increment('k', 60_000, 10, 60_000)).totalHits).toBe(4);
    } finally {
      await instance.onModuleDestroy();
    }
  });
});
