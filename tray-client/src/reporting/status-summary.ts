import type { SyncPlan, SyncStatus } from '@pacman-sync/shared';

const STATUS_LINES: Record<SyncStatus, string> = {
  unknown: 'status unknown (no state reported, or the pool has no target)',
  in_sync: 'in sync with the pool target',
  behind: 'behind the pool target',
  ahead: 'ahead of the pool target',
  diverged: 'diverged from the pool target',
  offline: 'offline',
};

/** One human line for a status, with the plan's counts when they are known. */
export function statusSummary(status: SyncStatus, plan: SyncPlan | null): string {
  const counts = plan ? planCounts(plan) : '';
  return counts ? `${STATUS_LINES[status]}: ${counts}` : STATUS_LINES[status];
}

/** "2 to install, 1 to upgrade, 1 unavailable"; empty when the plan changes nothing. */
export function planCounts(plan: SyncPlan): string {
  const parts: Array<[number, string]> = [
    [plan.install.length, 'to install'],
    [plan.upgrade.length, 'to upgrade'],
    [plan.downgrade.length, 'to downgrade'],
    [plan.remove.length, 'to remove'],
    [plan.reasons.length, 'reasons to set'],
    [plan.unavailable.length, 'unavailable'],
    [plan.held.length, 'held'],
    [plan.kept_extra.length, 'extra kept'],
  ];
  return parts
    .filter(([count]) => count > 0)
    .map(([count, label]) => `${count} ${label}`)
    .join(', ');
}
