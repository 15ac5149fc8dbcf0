import * as fs from 'node:fs';

import type { AppConfig } from '../config/config';
import { generatePassword, PasswordHasher } from './password';

function hasher(workers: number, queue: number): PasswordHasher {
  return new PasswordHasher({ passwordHashWorkers: workers, passwordHashQueue: queue } as AppConfig);
}

describe('password hashing', () => {
  const shared = hasher(2, 8);
  afterAll(() => shared.onModuleDestroy());

  it('verifies the right password only, with a fresh salt per hash', async () => {
    const first = await shared.hash('correct horse battery staple');
    const second = await shared.hash('correct horse battery staple');
    expect(first).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(first).not.toBe(second);
    expect(await shared.verify('correct horse battery staple', first)).toBe(true);
    expect(await shared.verify('correct horse battery stapl', first)).toBe(false);
    expect(await shared.verify('', first)).toBe(false);
  });

  it('treats NFKC-equal spellings as the same password', async () => {
    const stored = await shared.hash('ﬁre-password');
    expect(await shared.verify('fire-password', stored)).toBe(true);
  });

  it.each(['', 'plain', 'scrypt$1$1$1$a$b', 'scrypt$99999999999$8$1$AAAA$AAAA', 'bcrypt$x$y$z$a$b'])(
    'refuses a stored value it did not write: %j',
    async (stored) => {
      expect(await shared.verify('anything', stored)).toBe(false);
    },
  );

  it('generates first-admin passwords of 24 URL-safe characters', () => {
    const passwords = new Set(Array.from({ length: 50 }, () => generatePassword()));
    expect(passwords.size).toBe(50);
    for (const password of passwords) expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });
});

describe('PasswordHasher under load', () => {
  it('runs at most its workers at once, queues a bounded number, refuses beyond, and gives tickets back', async () => {
    const bounded = hasher(1, 2);
    try {
      const stored = await bounded.hash('the-password-1');
      bounded.resetStats();
      const tickets = [bounded.tryReserve(), bounded.tryReserve(), bounded.tryReserve()];
      expect(tickets.every((ticket) => ticket !== null)).toBe(true);
      expect(bounded.tryReserve()).toBeNull();
      tickets[2]!.release();
      const fourth = bounded.tryReserve();
      expect(fourth).not.toBeNull();
      const checks = [
        tickets[0]!.verify('the-password-1', stored),
        tickets[1]!.verify('wrong', stored),
        fourth!.burn('whatever'),
      ];
      expect(bounded.tryReserve()).toBeNull();
      expect(await Promise.all(checks)).toEqual([true, false, undefined]);
      expect(bounded.stats()).toMatchObject({ running: 0, waiting: 0, maxRunning: 1, refused: 2 });
      expect(bounded.stats().maxWaiting).toBeLessThanOrEqual(2);
      expect(bounded.tryReserve()).not.toBeNull();
    } finally {
      await bounded.onModuleDestroy();
    }
  });

  it('counts an unknown user’s check against the bound while its first dummy hash is made', async () => {
    const bounded = hasher(1, 0);
    try {
      const burning = bounded.tryReserve()!.burn('whatever');
      expect(bounded.tryReserve()).toBeNull();
      await burning;
      expect(bounded.tryReserve()).not.toBeNull();
    } finally {
      await bounded.onModuleDestroy();
    }
  });

  it('leaves libuv’s thread pool to file reads while hashes queue', async () => {
    const busy = hasher(1, 50);
    try {
      let done = 0;
      const hashes = Array.from({ length: 12 }, () => busy.hash('pw').then(() => done++));
      // On the thread pool this read would wait for the hashes ahead of it; here none of them is there.
      const doneWhenRead = await fs.promises.readFile(__filename).then(() => done);
      expect(doneWhenRead).toBe(0);
      await Promise.all(hashes);
    } finally {
      await busy.onModuleDestroy();
    }
  });

  it('survives a worker that dies: its job fails, the next one runs on a new worker', async () => {
    const fragile = hasher(1, 4);
    try {
      const first = fragile.hash('one');
      const slot = (fragile as unknown as { slots: Array<{ worker: { terminate(): Promise<number> } }> })
        .slots[0];
      await slot.worker.terminate();
      await expect(first).rejects.toThrow(/exited/);
      expect(await fragile.verify('two', await fragile.hash('two'))).toBe(true);
    } finally {
      await fragile.onModuleDestroy();
    }
  });
});
