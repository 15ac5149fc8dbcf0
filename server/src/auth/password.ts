import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Worker } from 'node:worker_threads';

import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';

import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';

// scrypt with N=2^15, r=8 (32 MiB, about 50-100 ms here): slow enough to make offline guessing expensive,
// cheap enough for a login. The parameters are stored with each hash, so they can be raised later.
const COST = 2 ** 15;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_LENGTH = 32;
const MAX_MEMORY = 128 * COST * BLOCK_SIZE * 2;

interface ScryptParameters {
  cost: number;
  blockSize: number;
  parallelism: number;
}

/** `scrypt$N$r$p$<salt base64>$<hash base64>`, or null for a value this server did not write. */
function parseStoredHash(stored: string): (ScryptParameters & { salt: Buffer; key: Buffer }) | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [cost, blockSize, parallelism] = parts.slice(1, 4).map(Number);
  const sane =
    Number.isInteger(cost) &&
    cost >= 2 ** 10 &&
    cost <= 2 ** 20 &&
    (cost & (cost - 1)) === 0 &&
    Number.isInteger(blockSize) &&
    blockSize >= 1 &&
    blockSize <= 32 &&
    Number.isInteger(parallelism) &&
    parallelism >= 1 &&
    parallelism <= 16 &&
    128 * cost * blockSize * 2 <= MAX_MEMORY * 4;
  if (!sane) return null;
  return {
    cost,
    blockSize,
    parallelism,
    salt: Buffer.from(parts[4], 'base64'),
    key: Buffer.from(parts[5], 'base64'),
  };
}

/** A password for the first admin when ADMIN_PASSWORD is unset: 24 characters of base64url (144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

// The worker's whole program. It is JavaScript run with `eval` because it must load the same way from the
// compiled server (dist/) and from the TypeScript sources under Jest, where a worker file would be `.ts`.
// scryptSync inside a worker occupies that worker's own thread; crypto.scrypt would run on libuv's thread
// pool, the one the console's static files, DNS and zlib queue on, and a login flood would stall them.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
parentPort.on('message', (job) => {
  try {
    const key = scryptSync(job.password.normalize('NFKC'), Buffer.from(job.salt), job.keyLength, {
      N: job.cost, r: job.blockSize, p: job.parallelism, maxmem: 128 * job.cost * job.blockSize * 2,
    });
    parentPort.postMessage({ id: job.id, key });
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: String(error && error.message || error) });
  }
});
`;

interface Job extends ScryptParameters {
  id: number;
  password: string;
  salt: Uint8Array;
  keyLength: number;
}

interface Pending {
  job: Job;
  resolve: (key: Buffer) => void;
  reject: (error: Error) => void;
}

interface WorkerSlot {
  worker: Worker;
  busy: Pending | null;
}

/** How busy the hasher has been since the last reset (tests and /api/metrics read it). */
export interface PasswordHasherStats {
  running: number;
  waiting: number;
  maxRunning: number;
  maxWaiting: number;
  /** Login checks refused because every worker was busy and the queue was full. */
  refused: number;
}

/**
 * A login's claim on a password check, taken before any other work so that a flood is refused at once
 * instead of queueing: use it once (verify or burn) or release it.
 */
export interface PasswordCheckTicket {
  /** False for a wrong password and for a stored value that is not a hash we wrote (never throws). */
  verify(password: string, stored: string): Promise<boolean>;
  /** The same cost as {@link verify}, for unknown usernames, so timing does not reveal which exist. */
  burn(password: string): Promise<void>;
  release(): void;
}

/**
 * Runs the password KDF on a few worker threads of its own (passwordHashWorkers), never on libuv's pool.
 * Logins take a ticket first ({@link tryReserve}): at most passwordHashQueue of them wait for a worker,
 * and beyond that the login is refused at once. An administrator setting a password always queues.
 */
@Injectable()
export class PasswordHasher implements OnModuleDestroy {
  private readonly slots: WorkerSlot[] = [];
  private readonly queue: Pending[] = [];
  private reservations = 0;
  private nextJobId = 1;
  private dummyHash: Promise<string> | null = null;
  private counters = { maxRunning: 0, maxWaiting: 0, refused: 0 };
  private closed = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onModuleDestroy(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error('the server is stopping'));
    return Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate())).then(() => undefined);
  }

  /** `scrypt$N$r$p$<salt base64>$<hash base64>` with a fresh 16-byte salt. */
  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const parameters = { cost: COST, blockSize: BLOCK_SIZE, parallelism: PARALLELISM };
    const key = await this.derive(password, salt, parameters);
    return ['scrypt', COST, BLOCK_SIZE, PARALLELISM, salt.toString('base64'), key.toString('base64')].join(
      '$',
    );
  }

  /** Unbounded: for a user whose password an administrator is checking or changing. */
  verify(password: string, stored: string): Promise<boolean> {
    return this.compare(password, stored);
  }

  /** A ticket for one login's password check, or null when the workers and their queue are full. */
  tryReserve(): PasswordCheckTicket | null {
    const capacity = this.config.passwordHashWorkers + this.config.passwordHashQueue;
    if (this.reservations + this.runningCount() + this.queue.length >= capacity) {
      this.counters.refused++;
      return null;
    }
    this.reservations++;
    let used = false;
    const take = () => {
      if (used) throw new Error('a password check ticket is used once');
      used = true;
      this.reservations--;
    };
    return {
      verify: (password, stored) => {
        take();
        return this.compare(password, stored);
      },
      burn: async (password) => {
        // The ticket holds its place until the check is queued, or a flood could slip past the bound
        // while the first dummy hash is made.
        this.dummyHash ??= this.hash(randomBytes(16).toString('hex'));
        const dummy = await this.dummyHash;
        take();
        await this.compare(password, dummy);
      },
      release: () => {
        if (!used) take();
      },
    };
  }

  stats(): PasswordHasherStats {
    return { running: this.runningCount(), waiting: this.queue.length, ...this.counters };
  }

  resetStats(): void {
    this.counters = { maxRunning: 0, maxWaiting: 0, refused: 0 };
  }

  private async compare(password: string, stored: string): Promise<boolean> {
    const parsed = parseStoredHash(stored);
    if (!parsed) return false;
    try {
      const actual = await this.derive(password, parsed.salt, parsed);
      return parsed.key.length === actual.length && timingSafeEqual(parsed.key, actual);
    } catch {
      return false;
    }
  }

  private derive(password: string, salt: Buffer, parameters: ScryptParameters): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('the server is stopping'));
    return new Promise<Buffer>((resolve, reject) => {
      const job: Job = { id: this.nextJobId++, password, salt, keyLength: KEY_LENGTH, ...parameters };
      this.queue.push({ job, resolve, reject });
      this.dispatch();
      this.counters.maxWaiting = Math.max(this.counters.maxWaiting, this.queue.length);
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.idleSlot();
      if (!slot) return;
      const pending = this.queue.shift()!;
      slot.busy = pending;
      slot.worker.postMessage(pending.job);
      this.counters.maxRunning = Math.max(this.counters.maxRunning, this.runningCount());
    }
  }

  private idleSlot(): WorkerSlot | null {
    const idle = this.slots.find((slot) => slot.busy === null);
    if (idle) return idle;
    if (this.slots.length >= this.config.passwordHashWorkers) return null;
    const slot: WorkerSlot = { worker: new Worker(WORKER_SOURCE, { eval: true }), busy: null };
    // Idle workers must not keep a stopping process alive.
    slot.worker.unref();
    slot.worker.on('message', (message: { id: number; key?: Uint8Array; error?: string }) => {
      const pending = slot.busy;
      slot.busy = null;
      if (pending && pending.job.id === message.id) {
        if (message.key) pending.resolve(Buffer.from(message.key));
        else pending.reject(new Error(message.error ?? 'password hashing failed'));
      }
      this.dispatch();
    });
    slot.worker.on('error', (error) => this.replace(slot, error));
    slot.worker.on('exit', () => this.replace(slot, new Error('the password hashing worker exited')));
    this.slots.push(slot);
    return slot;
  }

  /** A worker that died fails its job; the next job starts a new one. */
  private replace(slot: WorkerSlot, error: Error): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    slot.busy?.reject(error);
    slot.busy = null;
    if (!this.closed) this.dispatch();
  }

  private runningCount(): number {
    return this.slots.filter((slot) => slot.busy !== null).length;
  }
}
