// `pacman-sync waybar`: Waybar's custom-module JSON from the local status cache. Waybar runs this often
// and on every bar start, so it never touches the network and loads nothing beyond the status file.
import { fstatSync, mkdirSync, watch } from 'node:fs';
import { basename } from 'node:path';

import type { SyncStatus } from '@pacman-sync/shared';

import { DEFAULT_UPDATE_INTERVAL_SECONDS, Environment, loadClientConfig } from '../core/config/client-config';
import { LastStatus, StateStore } from '../core/config/state-dir';

export interface WaybarOutput {
  text: string;
  tooltip: string;
  /** The status, plus `stale` when the cache is older than three report intervals. */
  class: string | string[];
  /** The status (or `unregistered`, `error`), for Waybar's format-icons. */
  alt: string;
  percentage: number;
}

const LABELS: Record<SyncStatus, string> = {
  in_sync: 'in sync',
  behind: 'behind',
  ahead: 'ahead',
  diverged: 'diverged',
  unknown: 'unknown',
  offline: 'offline',
};

// How close to the target each status is, for bars that pick icons or colours by percentage.
const PERCENTAGES: Record<SyncStatus, number> = {
  in_sync: 100,
  ahead: 75,
  behind: 50,
  diverged: 25,
  unknown: 0,
  offline: 0,
};

export function waybarOutput(
  status: LastStatus | null,
  options: { now: number; staleAfterMs: number },
): WaybarOutput {
  if (status === null) {
    return {
      text: 'not registered',
      tooltip: 'pacman-sync: no status yet (run "pacman-sync register", then "pacman-sync report")',
      class: 'unregistered',
      alt: 'unregistered',
      percentage: 0,
    };
  }
  const age = options.now - Date.parse(status.checked_at);
  const stale = age > options.staleAfterMs;
  const lines = [
    `pacman-sync: ${status.summary ?? LABELS[status.sync_status]}`,
    `checked ${status.checked_at}`,
  ];
  if (stale) lines.push('(not refreshed for a while: is the daemon or tray running?)');
  return {
    text: LABELS[status.sync_status],
    tooltip: lines.join('\n'),
    class: stale ? [status.sync_status, 'stale'] : status.sync_status,
    alt: status.sync_status,
    percentage: PERCENTAGES[status.sync_status],
  };
}

function errorOutput(message: string): WaybarOutput {
  return { text: 'error', tooltip: `pacman-sync: ${message}`, class: 'error', alt: 'error', percentage: 0 };
}

interface WaybarIo {
  /** process.stdout, or a test's stand-in; a write error (EPIPE: the reader is gone) ends --follow. */
  stdout: {
    write(text: string): unknown;
    once?(event: 'error', listener: (error: Error) => void): unknown;
    fd?: number;
  };
  env: Environment;
}

/**
 * How often --follow looks around: whether the process that started it is still its parent, whether
 * the cache turned stale, and (with a heartbeat) whether anyone still reads its output.
 */
export const FOLLOW_TICK_MS = 5000;

/**
 * Whether --follow re-sends its line on every tick. A pipe tells a writer that its reader is gone only
 * when the writer writes (EPIPE); Waybar's is a pipe, and when Waybar dies the module's shell dies too
 * and --follow would otherwise live on, re-parented to init, until the status changed. Re-sending the
 * same line is harmless to Waybar. A terminal or a file has no reader to lose, so they get no heartbeat.
 */
function hasVanishingReader(stdout: WaybarIo['stdout']): boolean {
  if (typeof stdout.fd !== 'number') return false;
  try {
    const stat = fstatSync(stdout.fd);
    return stat.isFIFO() || stat.isSocket();
  } catch {
    return false;
  }
}

function currentLine(store: StateStore, staleAfterMs: number): string {
  let output: WaybarOutput;
  try {
    output = waybarOutput(store.readLastStatus(), { now: Date.now(), staleAfterMs });
  } catch (error) {
    output = errorOutput((error as Error).message);
  }
  return `${JSON.stringify(output)}\n`;
}

/**
 * Prints one line, or with `follow` a line per change of the cache (and when it turns stale) until the
 * signal aborts, the output's reader is gone, or the process that started it is (Waybar kills the
 * module's shell when it exits, and its pipes leak into its other modules' processes, so the reader's
 * end of the pipe can outlive Waybar). Errors become an `error` line rather than an exit, so the bar
 * shows them.
 */
export async function runWaybar(
  io: WaybarIo,
  options: {
    follow: boolean;
    configFlag: string | null;
    signal?: AbortSignal;
    /** Re-send the line every tick; by default only when stdout is a pipe or socket. */
    heartbeat?: boolean;
    /** Whether the process that started this one is gone; by default, whether the parent changed. */
    parentGone?: () => boolean;
  },
): Promise<number> {
  let intervalSeconds = DEFAULT_UPDATE_INTERVAL_SECONDS;
  try {
    intervalSeconds = loadClientConfig({ flag: options.configFlag, env: io.env }).ui.updateInterval;
  } catch (error) {
    io.stdout.write(`${JSON.stringify(errorOutput((error as Error).message))}\n`);
    if (!options.follow) return 0;
  }
  const staleAfterMs = 3 * intervalSeconds * 1000;
  const store = StateStore.fromEnvironment(io.env);
  let last = currentLine(store, staleAfterMs);
  io.stdout.write(last);
  if (!options.follow) return 0;

  const heartbeat = options.heartbeat ?? hasVanishingReader(io.stdout);
  const parent = process.ppid;
  const parentGone = options.parentGone ?? (() => process.ppid !== parent);
  await new Promise<void>((resolve) => {
    let stopped = false;
    const refresh = (always: boolean) => {
      if (stopped) return;
      const line = currentLine(store, staleAfterMs);
      if (always || line !== last) io.stdout.write(line);
      last = line;
    };
    const file = basename(store.lastStatusPath);
    let watcher: ReturnType<typeof watch> | null = null;
    const startWatching = () => {
      try {
        // A client that has not reported yet has no state directory; make it (as the writer would) to watch it.
        mkdirSync(store.dir, { recursive: true, mode: 0o700 });
        // The directory: the status file is replaced by rename on every write.
        watcher = watch(store.dir, (_event, name) => {
          if (name === null || name.toString() === file) refresh(false);
        });
        watcher.on('error', () => undefined);
      } catch {
        watcher = null;
      }
    };
    startWatching();
    // Staleness is a matter of time passing, and a failed watch is retried.
    const timer = setInterval(() => {
      if (parentGone()) return stop();
      if (!watcher) startWatching();
      refresh(heartbeat);
    }, FOLLOW_TICK_MS);
    const stop = () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      (watcher as ReturnType<typeof watch> | null)?.close();
      resolve();
    };
    // EPIPE and any other write error: nobody can read what would follow.
    io.stdout.once?.('error', stop);
    if (options.signal?.aborted) stop();
    options.signal?.addEventListener('abort', stop, { once: true });
  });
  return 0;
}
