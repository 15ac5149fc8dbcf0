import { describeHold, type PlanItem, type SyncPlan } from '@pacman-sync/shared';

import type { Endpoint, Operation } from '../api/api-types';
import { planCounts } from '../reporting/status-summary';

/** The plan as a person reads it before saying yes: one line per change, grouped by kind. */
export function formatPlan(plan: SyncPlan, title: string): string[] {
  const lines: string[] = [];
  const section = (heading: string, items: string[]) => {
    if (items.length === 0) return;
    lines.push(`  ${heading} (${items.length}):`);
    for (const item of items) lines.push(`    ${item}`);
  };
  const overridden = new Map(plan.overridden_holds.map((hold) => [hold.package_name, hold]));
  const override = (name: string) => {
    const hold = overridden.get(name);
    return hold ? `  (held by ${describeHold(hold)}; the pool overrides the hold)` : '';
  };
  const item = (entry: PlanItem) => {
    const from = entry.from_version ? `${entry.from_version} -> ` : '';
    const reason = entry.install_reason === 'dependency' ? ' [dependency]' : '';
    const substituted =
      entry.to_version !== entry.wanted_version ? ` (target has ${entry.wanted_version})` : '';
    return (
      `${entry.package_name} ${from}${entry.to_version}${reason}${substituted}  from ${source(entry)}` +
      override(entry.package_name)
    );
  };
  const counts = planCounts(plan);
  lines.push(`${title}: ${counts || 'nothing to change'}`);
  section('install', plan.install.map(item));
  section('upgrade', plan.upgrade.map(item));
  section('downgrade', plan.downgrade.map(item));
  section(
    'remove',
    plan.remove.map((entry) => `${entry.package_name} ${entry.version}${override(entry.package_name)}`),
  );
  section(
    'set install reason',
    plan.reasons.map(
      (entry) =>
        `${entry.package_name} ${entry.version}: ${entry.from_reason} -> ${entry.to_reason}${override(entry.package_name)}`,
    ),
  );
  section(
    'unavailable (left as they are)',
    plan.unavailable.map(
      (entry) =>
        `${entry.package_name} ${entry.wanted_version}` +
        (entry.available_versions.length
          ? ` (offered: ${entry.available_versions.join(', ')})`
          : ' (not offered)'),
    ),
  );
  section(
    'held by pacman.conf (left as they are)',
    plan.held.map((entry) => {
      const wanted =
        entry.change === 'remove'
          ? 'remove it'
          : entry.change === 'reason'
            ? 'set its install reason'
            : `${entry.change} to ${entry.wanted_version}`;
      return `${entry.package_name} ${entry.installed_version ?? '(not installed)'}: would ${wanted}  (${describeHold(entry)})`;
    }),
  );
  section(
    'extra, kept',
    plan.kept_extra.map((entry) => `${entry.package_name} ${entry.version}`),
  );
  return lines;
}

function source(entry: PlanItem): string {
  return entry.source === 'repository' && entry.repository ? `[${entry.repository}]` : entry.source;
}

export function formatEndpoint(endpoint: Endpoint): string[] {
  return [
    `endpoint:  ${endpoint.name} (${endpoint.id})`,
    `status:    ${endpoint.sync_status}`,
    `pool:      ${endpoint.pool_id ?? '(none)'}`,
    `last seen: ${endpoint.last_seen ?? 'never'}`,
  ];
}

export function formatOperation(operation: Operation): string {
  const error = operation.error ? `: ${operation.error}` : '';
  return `${operation.operation_type} ${operation.id} ${operation.status}${error}`;
}
