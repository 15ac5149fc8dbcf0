import { LoginLimiter } from './login-limiter';

describe('LoginLimiter', () => {
  const policy = { maxFailures: 5, lockMs: 15 * 60_000 };
  let now = 0;
  const limiter = () => new LoginLimiter(() => now);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('locks a key on its fifth failure for 15 minutes, then unlocks it', () => {
    const subject = limiter();
    for (let i = 0; i < 4; i++) expect(subject.fail('user:dave', policy)).toBe(0);
    expect(subject.lockedFor('user:dave')).toBe(0);
    expect(subject.fail('user:dave', policy)).toBe(15 * 60_000);
    expect(subject.lockedFor('user:dave')).toBe(15 * 60_000);
    now += 15 * 60_000;
    expect(subject.lockedFor('user:dave')).toBe(0);
  });

  it('doubles each further lock of the same key, up to a day', () => {
    const subject = limiter();
    const locks: number[] = [];
    for (let round = 0; round < 10; round++) {
      let lock = 0;
      for (let i = 0; i < 5; i++) lock = subject.fail('user:dave', policy);
      locks.push(lock / 60_000);
      now += lock;
    }
    expect(locks).toEqual([15, 30, 60, 120, 240, 480, 960, 1440, 1440, 1440]);
  });

  it('clears failures (not the lock history) on success, and keeps keys apart', () => {
    const subject = limiter();
    for (let i = 0; i < 4; i++) subject.fail('user:erin', policy);
    subject.succeed('user:erin');
    for (let i = 0; i < 4; i++) expect(subject.fail('user:erin', policy)).toBe(0);
    expect(subject.lockedFor('user:frank')).toBe(0);
  });

  it('stays bounded under a flood of distinct keys', () => {
    const subject = limiter();
    for (let i = 0; i < 60_000; i++) subject.fail(`address:10.0.${i >> 8}.${i & 255}`, policy);
    expect((subject as unknown as { keys: Map<string, unknown> }).keys.size).toBeLessThanOrEqual(50_000);
  });
});
