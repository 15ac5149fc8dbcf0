import {
  HeldPackage,
  HOLD_REASONS,
  InstallReason,
  isValidPackageName,
  isValidPackageVersion,
  isValidPacmanConfValue,
  isValidRepositoryName,
  PackageSource,
  PLAN_CHANGES,
  PlanItem,
  PlanReasonChange,
  PlanRemoval,
  SyncPlan,
  UnavailablePackage,
} from '@pacman-sync/shared';

/**
 * A plan from the server that the client will not act on: a field is missing or mistyped, or a name or
 * version breaks the package rules (a compromised server sending `--root=/`, `-`, `repo/x`, a path, a
 * URL or a newline). pacman is never started for such a plan.
 */
export class UnsafePlanError extends Error {
  override readonly name = 'UnsafePlanError';
  readonly code = 'UNSAFE_PLAN';
}

const MAX_PLAN_ITEMS = 100_000;
const SOURCES: readonly PackageSource[] = ['cache', 'repository', 'archive'];

/**
 * Checks every field of a plan that came over the network and returns a copy holding only the known
 * fields, so nothing the server slipped in travels further.
 */
export function parsePlan(value: unknown): SyncPlan {
  const plan = object(value, 'plan');
  return {
    install: list(plan, 'install').map((item, index) => planItem(item, `install[${index}]`)),
    upgrade: list(plan, 'upgrade').map((item, index) => planItem(item, `upgrade[${index}]`)),
    downgrade: list(plan, 'downgrade').map((item, index) => planItem(item, `downgrade[${index}]`)),
    remove: list(plan, 'remove').map((item, index) => removal(item, `remove[${index}]`)),
    unavailable: list(plan, 'unavailable').map((item, index) => unavailable(item, `unavailable[${index}]`)),
    substituted: list(plan, 'substituted', true).map((item, index) =>
      planItem(item, `substituted[${index}]`),
    ),
    kept_extra: list(plan, 'kept_extra', true).map((item, index) => removal(item, `kept_extra[${index}]`)),
    // A server older than holds and reason changes sends none of these lists.
    reasons: list(plan, 'reasons', true).map((item, index) => reasonChange(item, `reasons[${index}]`)),
    held: list(plan, 'held', true).map((item, index) => held(item, `held[${index}]`)),
    overridden_holds: list(plan, 'overridden_holds', true).map((item, index) =>
      held(item, `overridden_holds[${index}]`),
    ),
  };
}

/** Whether two plans change the same packages to the same versions (what the user confirmed is what runs). */
export function samePlanChanges(a: SyncPlan, b: SyncPlan): boolean {
  const key = (plan: SyncPlan) =>
    JSON.stringify([
      [...plan.install, ...plan.upgrade, ...plan.downgrade]
        .map((item) => [item.package_name, item.to_version])
        .sort(),
      plan.remove.map((item) => item.package_name).sort(),
      plan.reasons.map((item) => [item.package_name, item.to_reason]).sort(),
    ]);
  return key(a) === key(b);
}

function planItem(value: unknown, where: string): PlanItem {
  const item = object(value, where);
  const reason = installReason(item, 'install_reason', where);
  const source = item.source;
  if (!(SOURCES as readonly unknown[]).includes(source)) throw unsafe(where, 'source', source);
  const repository = item.repository ?? null;
  if (repository !== null && !isValidRepositoryName(repository))
    throw unsafe(where, 'repository', repository);
  return {
    package_name: name(item, where),
    from_version: optionalVersion(item, 'from_version', where),
    to_version: version(item, 'to_version', where),
    wanted_version: version(item, 'wanted_version', where),
    install_reason: reason,
    source: source as PackageSource,
    repository,
  };
}

function reasonChange(value: unknown, where: string): PlanReasonChange {
  const item = object(value, where);
  return {
    package_name: name(item, where),
    version: version(item, 'version', where),
    from_reason: installReason(item, 'from_reason', where),
    to_reason: installReason(item, 'to_reason', where),
  };
}

function held(value: unknown, where: string): HeldPackage {
  const item = object(value, where);
  const change = item.change;
  if (!(PLAN_CHANGES as readonly unknown[]).includes(change)) throw unsafe(where, 'change', change);
  const reason = item.reason;
  if (!(HOLD_REASONS as readonly unknown[]).includes(reason)) throw unsafe(where, 'reason', reason);
  if (!isValidPacmanConfValue(item.held_by)) throw unsafe(where, 'held_by', item.held_by);
  return {
    package_name: name(item, where),
    change: change as HeldPackage['change'],
    installed_version: optionalVersion(item, 'installed_version', where),
    wanted_version: optionalVersion(item, 'wanted_version', where),
    reason: reason as HeldPackage['reason'],
    held_by: item.held_by,
  };
}

function installReason(item: Record<string, unknown>, field: string, where: string): InstallReason {
  const value = item[field];
  if (value !== 'explicit' && value !== 'dependency') throw unsafe(where, field, value);
  return value;
}

function optionalVersion(item: Record<string, unknown>, field: string, where: string): string | null {
  const value = item[field] ?? null;
  if (value !== null && !isValidPackageVersion(value)) throw unsafe(where, field, value);
  return value;
}

function removal(value: unknown, where: string): PlanRemoval {
  const item = object(value, where);
  return { package_name: name(item, where), version: version(item, 'version', where) };
}

function unavailable(value: unknown, where: string): UnavailablePackage {
  const item = object(value, where);
  const installed = optionalVersion(item, 'installed_version', where);
  const available = item.available_versions ?? [];
  if (!Array.isArray(available) || available.length > MAX_PLAN_ITEMS) {
    throw unsafe(where, 'available_versions', available);
  }
  for (const entry of available)
    if (!isValidPackageVersion(entry)) throw unsafe(where, 'available_versions', entry);
  return {
    package_name: name(item, where),
    wanted_version: version(item, 'wanted_version', where),
    installed_version: installed,
    available_versions: available as string[],
  };
}

function name(item: Record<string, unknown>, where: string): string {
  const value = item.package_name;
  if (!isValidPackageName(value)) throw unsafe(where, 'package_name', value);
  return value;
}

function version(item: Record<string, unknown>, field: string, where: string): string {
  const value = item[field];
  if (!isValidPackageVersion(value)) throw unsafe(where, field, value);
  return value;
}

function object(value: unknown, where: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new UnsafePlanError(`the server's plan is malformed: ${where} is not an object`);
  }
  return value as Record<string, unknown>;
}

function list(plan: Record<string, unknown>, key: string, optional = false): unknown[] {
  const value = plan[key];
  if (value === undefined && optional) return [];
  if (!Array.isArray(value))
    throw new UnsafePlanError(`the server's plan is malformed: ${key} is not a list`);
  if (value.length > MAX_PLAN_ITEMS) {
    throw new UnsafePlanError(
      `the server's plan is malformed: ${key} has more than ${MAX_PLAN_ITEMS} entries`,
    );
  }
  return value;
}

function unsafe(where: string, field: string, value: unknown): UnsafePlanError {
  const shown = JSON.stringify(value) ?? String(value);
  return new UnsafePlanError(
    `refusing the server's plan: ${where}.${field} ${shown.length > 80 ? `${shown.slice(0, 80)}…` : shown} ` +
      'is not a valid value; nothing was changed',
  );
}
