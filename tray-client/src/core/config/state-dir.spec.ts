import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SYNC_STATUSES } from '@pacman-sync/shared';

import {
  resolveCacheDir,
  resolveStateDir,
  StateFileError,
  StateStore,
  writePrivateFileAtomic,
} from './state-dir';

describe('state directory', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ps-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('follows XDG_STATE_HOME and XDG_CACHE_HOME with the spec defaults', () => {
    expect(resolveStateDir({ XDG_STATE_HOME: '/s', HOME: '/h' })).toBe('/s/pacman-sync');
    expect(resolveStateDir({ HOME: '/h' })).toBe('/h/.local/state/pacman-sync');
    expect(resolveCacheDir({ XDG_CACHE_HOME: '/c', HOME: '/h' })).toBe('/c/pacman-sync');
    expect(resolveCacheDir({ HOME: '/h' })).toBe('/h/.cache/pacman-sync');
  });

  it('writes owner-only files into an owner-only directory, leaving no temporary file', () => {
    const stateDir = join(dir, 'state', 'pacman-sync');
    mkdirSync(stateDir, { recursive: true, mode: 0o755 });
    writePrivateFileAtomic(join(stateDir, 'f'), 'one');
    writePrivateFileAtomic(join(stateDir, 'f'), 'two');
    expect(readFileSync(join(stateDir, 'f'), 'utf8')).toBe('two');
    expect(statSync(join(stateDir, 'f')).mode & 0o777).toBe(0o600);
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    expect(readdirSync(stateDir)).toEqual(['f']);
  });

  it('round-trips credentials and the last status', () => {
    const store = StateStore.fromEnvironment({ XDG_STATE_HOME: dir });
    expect(store.readCredentials()).toBeNull();
    expect(store.readLastStatus()).toBeNull();
    const credentials = {
      endpoint_id: '6f1c1c2e-2a53-4a8e-9a55-0d4c7f0e9b11',
      token: 'pse_abc.DEF-123',
      server_url: 'https://sync.example.org',
    };
    store.writeCredentials(credentials);
    expect(store.readCredentials()).toEqual(credentials);
    expect(statSync(store.credentialsPath).mode & 0o777).toBe(0o600);
    const status = {
      endpoint_id: credentials.endpoint_id,
      sync_status: 'behind' as const,
      checked_at: '2026-11-30T21:00:00.000Z',
      summary: '3 packages behind',
    };
    store.writeLastStatus(status);
    expect(store.readLastStatus()).toEqual(status);
  });

  it.each([
    ['not json at all', 'not valid JSON'],
    ['[1, 2]', 'expected a JSON object'],
    ['{"endpoint_id": "e1", "server_url": "https://x"}', '"token" is missing or not a string'],
    ['{"endpoint_id": "e1", "token": "a b", "server_url": "https://x"}', '"token" is malformed'],
    ['{"endpoint_id": "../../etc", "token": "t", "server_url": "https://x"}', '"endpoint_id" is malformed'],
    ['{"endpoint_id": "e1", "token": "t", "server_url": "file:///etc/passwd"}', '"server_url" is malformed'],
  ])('reports a malformed credentials file %j clearly', (content, message) => {
    const store = new StateStore(dir);
    writeFileSync(store.credentialsPath, content);
    expect(() => store.readCredentials()).toThrow(StateFileError);
    expect(() => store.readCredentials()).toThrow(`${store.credentialsPath}: ${message}`);
  });

  it.each([
    [
      '{"endpoint_id": "e1", "sync_status": "happy", "checked_at": "2026-01-01T00:00:00Z", "summary": null}',
      'not a known status',
    ],
    [
      '{"endpoint_id": "e1", "sync_status": "ahead", "checked_at": "yesterday", "summary": null}',
      '"checked_at" is malformed',
    ],
    [
      '{"endpoint_id": "e1", "sync_status": "ahead", "checked_at": "2026-13-45T99:00:00Z", "summary": null}',
      'not a valid time',
    ],
    [
      '{"endpoint_id": "e1", "sync_status": "ahead", "checked_at": "2026-01-01T00:00:00Z", "summary": 3}',
      '"summary" must be',
    ],
    [
      '{"endpoint_id": "e1", "sync_status": "__proto__", "checked_at": "2026-01-01T00:00:00Z", "summary": null}',
      'not a known status',
    ],
    [
      '{"endpoint_id": "e1", "sync_status": "constructor", "checked_at": "2026-01-01T00:00:00Z", "summary": null}',
      'not a known status',
    ],
    ['', 'not valid JSON'],
  ])('reports a malformed status file %j clearly', (content, message) => {
    const store = new StateStore(dir);
    writeFileSync(store.lastStatusPath, content);
    expect(() => store.readLastStatus()).toThrow(message);
  });

  it.each(SYNC_STATUSES)('reads back the shared status %s from the cache', (syncStatus) => {
    const store = new StateStore(dir);
    const status = {
      endpoint_id: 'e1',
      sync_status: syncStatus,
      checked_at: '2026-01-01T00:00:00Z',
      summary: null,
    };
    store.writeLastStatus(status);
    expect(store.readLastStatus()).toEqual(status);
  });
});
