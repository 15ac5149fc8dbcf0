import { FixedWindowThrottlerStorage } from './fixed-window-throttler-storage';

describe('FixedWindowThrottlerStorage', () => {
  let storage: FixedWindowThrottlerStorage;
  let now: number;

  beforeEach(() => {
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    storage = new FixedWindowThrottlerStorage();
  });

  afterEach(() => jest.restoreAllMocks());

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
});
