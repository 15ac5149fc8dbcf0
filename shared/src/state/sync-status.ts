import type { StateDiff, SyncPolicy, SyncStatus, SystemState } from '../domain/types';
import { diffStates } from './diff';

/**
 * DESIGN.md §3: behind = missing or older only, ahead = newer or extra only, diverged = both. A package at the
 * target's version with the other install reason also counts as behind: the endpoint lacks part of the
 * target (its reasons), and a sync corrects it (`pacman -D`), where "in sync" would keep the tray's "Sync
 * now" and auto_sync away from it for good.
 */
export function syncStatus(diff: StateDiff): SyncStatus {
  const behind = diff.missing.length > 0 || diff.older.length > 0 || diff.reasons.length > 0;
  const ahead = diff.newer.length > 0 || diff.extra.length > 0;
  if (behind && ahead) return 'diverged';
  if (behind) return 'behind';
  if (ahead) return 'ahead';
  return 'in_sync';
}

/**
 * The status of an endpoint whose latest state is `current` against its pool's `target`: `unknown` when
 * either is missing. `offline` is not decided here: the server checks isOffline first.
 */
export function computeSyncStatus(
  current: SystemState | null,
  target: SystemState | null,
  policy: SyncPolicy,
): SyncStatus {
  if (current === null || target === null) return 'unknown';
  return syncStatus(diffStates(current, target, policy));
}

export const DEFAULT_REPORT_INTERVAL_SECONDS = 300;
const MISSED_REPORTS_BEFORE_OFFLINE = 3;

/**
 * Whether an endpoint has not been seen for more than 3 reporting intervals. An endpoint never seen is
 * not offline but `unknown` (it has no state yet), so null gives false.
 */
export function isOffline(
  lastSeen: Date | null,
  now: Date,
  intervalSeconds = DEFAULT_REPORT_INTERVAL_SECONDS,
): boolean {
  if (!Number.isFinite(intervalSeconds) || intervalSeconds <= 0) {
    throw new Error(`The reporting interval must be a positive number of seconds, got ${intervalSeconds}`);
  }
  if (Number.isNaN(now.getTime())) throw new Error('isOffline needs a valid current time');
  if (lastSeen === null) return false;
  if (Number.isNaN(lastSeen.getTime())) throw new Error('isOffline got an invalid last-seen date');
  return now.getTime() - lastSeen.getTime() > MISSED_REPORTS_BEFORE_OFFLINE * intervalSeconds * 1000;
}
