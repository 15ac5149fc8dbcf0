// Everything the tray shows, computed from the backend's data without GTK, so that it is unit-tested
// without a display and the GTK code (tray-app.ts) only copies it onto widgets.
import { describeHold, PlanItem, SyncPlan } from '@pacman-sync/shared';

import { IncomingSyncRequest, TrayOperation, TrayState, TrayStatus } from './tray-backend';

export const TRAY_TITLE = 'pacman-sync';

/** Icon names from the freedesktop naming spec that Debian's and Arch's adwaita-icon-theme ship. */
export const STATE_PRESENTATION: Readonly<Record<TrayState, { icon: string; label: string }>> = {
  in_sync: { icon: 'emblem-default', label: 'In sync' },
  behind: { icon: 'software-update-available', label: 'Behind' },
  ahead: { icon: 'go-up', label: 'Ahead' },
  diverged: { icon: 'dialog-warning', label: 'Diverged' },
  syncing: { icon: 'emblem-synchronizing', label: 'Syncing' },
  error: { icon: 'dialog-error', label: 'Error' },
  offline: { icon: 'network-offline', label: 'Offline' },
  unknown: { icon: 'dialog-question', label: 'Unknown' },
};

export type MenuAction =
  'syncNow' | 'setLatest' | 'revert' | 'showDetails' | 'openConsole' | 'settings' | 'quit';

/** The menu below the status line, in DESIGN.md §8's order. */
export const MENU_ITEMS: ReadonlyArray<{ action: MenuAction; label: string }> = [
  { action: 'syncNow', label: 'Sync now' },
  { action: 'setLatest', label: 'Set as latest' },
  { action: 'revert', label: 'Revert' },
  { action: 'showDetails', label: 'Show details' },
  { action: 'openConsole', label: 'Open console' },
  { action: 'settings', label: 'Settings' },
  { action: 'quit', label: 'Quit' },
];

export interface TrayView {
  icon: string;
  statusLine: string;
  /**
   * The item's tooltip: hosts show the title in bold over the description, and read both as markup
   * (Waybar as Pango markup, KDE as HTML), so the summary is escaped.
   */
  tooltip: { title: string; description: string };
  sensitive: Record<MenuAction, boolean>;
}

/** Longest status line shown: panels give a menu item one line, and the summary comes from the server. */
export const MAX_STATUS_LINE = 100;

/** Longest tooltip description: the summary comes from the server and the tooltip has no scroll bar. */
export const MAX_TOOLTIP = 300;

export function trayView(status: TrayStatus, hasConsole: boolean): TrayView {
  const presentation = Object.hasOwn(STATE_PRESENTATION, status.state)
    ? STATE_PRESENTATION[status.state]
    : STATE_PRESENTATION.unknown;
  const idle = status.state !== 'syncing';
  const summary = oneLine(status.summary);
  return {
    icon: presentation.icon,
    statusLine: clip(summary ? `${presentation.label}: ${summary}` : presentation.label, MAX_STATUS_LINE),
    tooltip: {
      title: `${TRAY_TITLE}: ${presentation.label}`,
      description: escapeMarkup(clip(summary, MAX_TOOLTIP)),
    },
    sensitive: {
      syncNow: idle && status.state !== 'in_sync',
      setLatest: idle,
      revert: idle && status.canRevert,
      showDetails: true,
      openConsole: hasConsole,
      settings: true,
      quit: true,
    },
  };
}

/** Text from the server is shown in widgets: control characters would break lines or the layout. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
}

/** Text shown where markup is read (a tooltip): `&`, `<` and `>` stay characters. */
export function escapeMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A menu label with every underscore doubled. Panels read labels over dbusmenu, where a single `_`
 * marks the access key and is not shown (so `python_foo` would read `pythonfoo`); the status item is
 * created with use-underline, so GTK and the panel both show one underscore.
 */
export function menuLabel(text: string): string {
  return text.replaceAll('_', '__');
}

function clip(text: string, max: number): string {
  const characters = [...text];
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join('')}…`;
}

export type PlanAction = 'install' | 'upgrade' | 'downgrade' | 'remove' | 'reason' | 'unavailable' | 'held';

export interface PlanRow {
  action: PlanAction;
  packageName: string;
  from: string;
  to: string;
  note: string;
}

export function planRows(plan: SyncPlan): PlanRow[] {
  const overridden = new Map(plan.overridden_holds.map((hold) => [hold.package_name, hold]));
  // A change the pool makes although this machine holds the package says so.
  const withOverride = (name: string, note: string) => {
    const hold = overridden.get(name);
    const override = hold ? `held by ${describeHold(hold)}, overridden by the pool` : '';
    return [note, override].filter(Boolean).join('; ');
  };
  const change = (action: PlanAction) => (item: PlanItem) => ({
    action,
    packageName: item.package_name,
    from: item.from_version ?? '',
    to: item.to_version,
    note: withOverride(
      item.package_name,
      item.to_version !== item.wanted_version
        ? `target has ${item.wanted_version}; closest available`
        : `from ${item.source}${item.repository ? ` (${item.repository})` : ''}`,
    ),
  });
  return [
    ...plan.install.map(change('install')),
    ...plan.upgrade.map(change('upgrade')),
    ...plan.downgrade.map(change('downgrade')),
    ...plan.remove.map((removal) => ({
      action: 'remove' as const,
      packageName: removal.package_name,
      from: removal.version,
      to: '',
      note: withOverride(removal.package_name, ''),
    })),
    ...plan.reasons.map((reason) => ({
      action: 'reason' as const,
      packageName: reason.package_name,
      from: `${reason.version} (${reason.from_reason})`,
      to: `${reason.version} (${reason.to_reason})`,
      note: withOverride(reason.package_name, 'install reason only'),
    })),
    ...plan.unavailable.map((missing) => ({
      action: 'unavailable' as const,
      packageName: missing.package_name,
      from: missing.installed_version ?? '',
      to: missing.wanted_version,
      note: missing.available_versions.length
        ? `offered: ${missing.available_versions.join(', ')}`
        : 'no repository or cache offers it',
    })),
    ...plan.held.map((hold) => ({
      action: 'held' as const,
      packageName: hold.package_name,
      from: hold.installed_version ?? '',
      to: hold.change === 'remove' ? '' : (hold.wanted_version ?? ''),
      note: `${describeHold(hold)} in pacman.conf; left as it is (the plan would ${hold.change === 'reason' ? 'set its reason' : hold.change} it)`,
    })),
  ];
}

/** "2 to install, 1 to upgrade, 1 unavailable", or "nothing to do". */
export function describePlan(plan: SyncPlan): string {
  const parts = [
    [plan.install.length, 'to install'],
    [plan.upgrade.length, 'to upgrade'],
    [plan.downgrade.length, 'to downgrade'],
    [plan.remove.length, 'to remove'],
    [plan.reasons.length, 'reasons to set'],
    [plan.unavailable.length, 'unavailable'],
    [plan.held.length, 'held'],
  ]
    .filter(([count]) => count !== 0)
    .map(([count, what]) => `${count} ${what}`);
  return parts.length ? parts.join(', ') : 'nothing to do';
}

export interface OperationRow {
  when: string;
  type: string;
  status: string;
  message: string;
}

const OPERATION_LABELS: Record<TrayOperation['type'], string> = {
  sync: 'Sync',
  set_latest: 'Set as latest',
  revert: 'Revert',
};

export function operationRows(operations: readonly TrayOperation[]): OperationRow[] {
  return operations.map((operation) => ({
    when: formatTime(operation.createdAt),
    type: OPERATION_LABELS[operation.type] ?? operation.type,
    status: operation.status.replace('_', ' '),
    message: clip(oneLine(operation.message ?? ''), 200),
  }));
}

/** Local time to the minute; an unparsable value is shown as it came rather than hidden. */
function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return oneLine(iso);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export interface Notice {
  summary: string;
  body: string;
  icon: string;
}

export function operationFinishedNotice(operation: TrayOperation): Notice {
  const what = OPERATION_LABELS[operation.type] ?? operation.type;
  const outcome = { completed: 'completed', failed: 'failed', cancelled: 'was cancelled' }[
    operation.status as 'completed' | 'failed' | 'cancelled'
  ];
  return {
    summary: `${what} ${outcome ?? operation.status}`,
    body: clip(oneLine(operation.message ?? ''), 300),
    icon: operation.status === 'completed' ? STATE_PRESENTATION.in_sync.icon : STATE_PRESENTATION.error.icon,
  };
}

export function incomingSyncNotice(request: IncomingSyncRequest): Notice {
  return {
    summary: 'Sync requested',
    body: clip(
      `${oneLine(request.requestedBy)} asks to sync this machine: ${describePlan(request.plan)}`,
      300,
    ),
    icon: STATE_PRESENTATION.behind.icon,
  };
}

/** Shown when an action fails (server unreachable, 409 SYNC_CONFLICT, …). */
export function actionFailedNotice(label: string, error: unknown): Notice {
  const message = error instanceof Error ? error.message : String(error);
  return {
    summary: `${label} failed`,
    body: clip(oneLine(message), 300),
    icon: STATE_PRESENTATION.error.icon,
  };
}
