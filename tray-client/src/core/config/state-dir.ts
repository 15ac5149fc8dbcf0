import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

import type { SyncStatus } from '@pacman-sync/shared';

import { Environment, xdgDirectory } from './client-config';

/**
 * The statuses a cache may hold. Waybar reads the cache on every bar start, and importing SYNC_STATUSES
 * would load the whole shared index (vercmp, hashing, planning) just for six names; as a Record over
 * SyncStatus the compiler still fails when the shared type gains or loses one.
 */
const CACHEABLE_STATUSES: Record<SyncStatus, true> = {
  unknown: true,
  in_sync: true,
  behind: true,
  ahead: true,
  diverged: true,
  offline: true,
};

function isSyncStatus(value: string): value is SyncStatus {
  return Object.hasOwn(CACHEABLE_STATUSES, value);
}

/** A token or status file that exists but cannot be used. */
export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

/** `$XDG_STATE_HOME/pacman-sync` (default `~/.local/state/pacman-sync`): token and last status. */
export function resolveStateDir(env: Environment): string {
  return join(xdgDirectory(env, 'XDG_STATE_HOME', join('.local', 'state')), 'pacman-sync');
}

/** `$XDG_CACHE_HOME/pacman-sync` (default `~/.cache/pacman-sync`): the private sync database copy. */
export function resolveCacheDir(env: Environment): string {
  return join(xdgDirectory(env, 'XDG_CACHE_HOME', '.cache'), 'pacman-sync');
}

/**
 * Writes a file readable by its owner only, so that a crash or a concurrent reader never sees half a
 * file: the data goes to a temporary file in the same directory (mode 0600 from creation, never wider),
 * is flushed, and replaces the target with rename(2). The directory is created (or narrowed) to 0700.
 */
export function writePrivateFileAtomic(path: string, content: string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const temporary = join(dir, `.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** What `register` receives once and every later command needs. */
export interface EndpointCredentials {
  endpoint_id: string;
  token: string;
  server_url: string;
}

/** The last status the client learnt, for Waybar and for starting while the server is unreachable. */
export interface LastStatus {
  endpoint_id: string;
  sync_status: SyncStatus;
  /** ISO 8601 time the status was learnt from the server. */
  checked_at: string;
  /** One human line (e.g. "3 packages behind"), or null. */
  summary: string | null;
}

export const CREDENTIALS_FILE = 'endpoint.json';
export const LAST_STATUS_FILE = 'last-status.json';

export class StateStore {
  constructor(readonly dir: string) {}

  static fromEnvironment(env: Environment): StateStore {
    return new StateStore(resolveStateDir(env));
  }

  get credentialsPath(): string {
    return join(this.dir, CREDENTIALS_FILE);
  }

  get lastStatusPath(): string {
    return join(this.dir, LAST_STATUS_FILE);
  }

  /** null when the endpoint has not registered yet. */
  readCredentials(): EndpointCredentials | null {
    const data = readJsonObject(this.credentialsPath);
    if (data === null) return null;
    const path = this.credentialsPath;
    return {
      endpoint_id: requireString(data, 'endpoint_id', path, /^[0-9A-Za-z-]{1,64}$/),
      token: requireString(data, 'token', path, /^[\x21-\x7e]{1,4096}$/),
      server_url: requireString(data, 'server_url', path, /^https?:\/\/[\x21-\x7e]+$/),
    };
  }

  writeCredentials(credentials: EndpointCredentials): void {
    writePrivateFileAtomic(this.credentialsPath, `${JSON.stringify(credentials, null, 2)}\n`);
  }

  readLastStatus(): LastStatus | null {
    const data = readJsonObject(this.lastStatusPath);
    if (data === null) return null;
    const path = this.lastStatusPath;
    const status = requireString(data, 'sync_status', path, /^[a-z_]+$/);
    if (!isSyncStatus(status)) {
      throw new StateFileError(`${path}: "sync_status" is not a known status: ${JSON.stringify(status)}`);
    }
    const checkedAt = requireString(data, 'checked_at', path, /^\d{4}-\d\d-\d\dT/);
    if (Number.isNaN(Date.parse(checkedAt))) {
      throw new StateFileError(`${path}: "checked_at" is not a valid time: ${JSON.stringify(checkedAt)}`);
    }
    const summary = data.summary;
    if (summary !== null && typeof summary !== 'string') {
      throw new StateFileError(`${path}: "summary" must be a string or null`);
    }
    return {
      endpoint_id: requireString(data, 'endpoint_id', path, /^[0-9A-Za-z-]{1,64}$/),
      sync_status: status,
      checked_at: checkedAt,
      summary,
    };
  }

  writeLastStatus(status: LastStatus): void {
    writePrivateFileAtomic(this.lastStatusPath, `${JSON.stringify(status, null, 2)}\n`);
  }
}

function readJsonObject(path: string): Record<string, unknown> | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StateFileError(
      `${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new StateFileError(`${path}: not valid JSON; delete it and run the command again`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new StateFileError(`${path}: expected a JSON object`);
  }
  return data as Record<string, unknown>;
}

function requireString(data: Record<string, unknown>, key: string, path: string, pattern: RegExp): string {
  const value = data[key];
  if (typeof value !== 'string') throw new StateFileError(`${path}: "${key}" is missing or not a string`);
  if (!pattern.test(value)) throw new StateFileError(`${path}: "${key}" is malformed`);
  return value;
}
