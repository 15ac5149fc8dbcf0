import { SyncPlan } from '@pacman-sync/shared';

import { planItem, syncPlan } from '../../test/support/plans';
import { TrayState, TrayStatus } from './tray-backend';
import {
  actionFailedNotice,
  describePlan,
  incomingSyncNotice,
  MAX_STATUS_LINE,
  MAX_TOOLTIP,
  MENU_ITEMS,
  menuLabel,
  oneLine,
  operationFinishedNotice,
  operationRows,
  planRows,
  STATE_PRESENTATION,
  trayView,
} from './tray-view';

const status = (state: TrayState, summary = '', canRevert = true): TrayStatus => ({
  state,
  summary,
  canRevert,
});

describe('trayView', () => {
  it('gives every state its own icon, so the panel tells them apart', () => {
    const states = Object.keys(STATE_PRESENTATION) as TrayState[];
    expect(states.sort()).toEqual(
      ['ahead', 'behind', 'diverged', 'error', 'in_sync', 'offline', 'syncing', 'unknown'].sort(),
    );
    const icons = states.map((state) => trayView(status(state), true).icon);
    expect(new Set(icons).size).toBe(states.length);
    expect(trayView(status('behind'), true).icon).toBe('software-update-available');
  });

  it('writes the state and the summary on the status line', () => {
    expect(trayView(status('behind', '3 packages behind the target'), true).statusLine).toBe(
      'Behind: 3 packages behind the target',
    );
    expect(trayView(status('unknown'), true).statusLine).toBe('Unknown');
  });

  it('puts the state in the tooltip title and the summary, as text, in its description', () => {
    expect(trayView(status('behind', '3 packages behind the target'), true).tooltip).toEqual({
      title: 'pacman-sync: Behind',
      description: '3 packages behind the target',
    });
    expect(trayView(status('in_sync'), true).tooltip).toEqual({
      title: 'pacman-sync: In sync',
      description: '',
    });
    const hostile = trayView(status('error', `<b>x</b> & y\n${'z'.repeat(1000)}`), true).tooltip.description;
    expect(hostile.startsWith('&lt;b&gt;x&lt;/b&gt; &amp; y z')).toBe(true);
    expect(hostile).not.toMatch(/[<>\n]/);
    expect(hostile.length).toBeLessThanOrEqual(MAX_TOOLTIP + 20);
  });

  it('disables the changing actions while syncing and leaves the rest', () => {
    const view = trayView(status('syncing', 'installing'), true);
    expect(view.sensitive).toEqual({
      syncNow: false,
      setLatest: false,
      revert: false,
      showDetails: true,
      openConsole: true,
      settings: true,
      quit: true,
    });
  });

  it('offers Sync now only when there is something to sync, and Revert only when possible', () => {
    expect(trayView(status('in_sync'), true).sensitive.syncNow).toBe(false);
    expect(trayView(status('diverged'), true).sensitive.syncNow).toBe(true);
    expect(trayView(status('behind', '', false), true).sensitive.revert).toBe(false);
    expect(trayView(status('behind'), false).sensitive.openConsole).toBe(false);
  });

  it('shows an unknown state from a newer server as unknown instead of failing', () => {
    const view = trayView({ state: 'quarantined' as TrayState, summary: 'x', canRevert: false }, true);
    expect(view.icon).toBe(STATE_PRESENTATION.unknown.icon);
    expect(view.statusLine).toBe('Unknown: x');
  });

  it('keeps a hostile summary on one short line', () => {
    const view = trayView(status('error', `line one\nline two\r\u0007\u2028${'x'.repeat(500)}`), true);
    for (const hostile of ['\n', '\r', '\u0007', '\u2028']) expect(view.statusLine).not.toContain(hostile);
    expect([...view.statusLine]).toHaveLength(MAX_STATUS_LINE);
    expect(view.statusLine.startsWith('Error: line one line two x')).toBe(true);
    expect(view.statusLine.endsWith('…')).toBe(true);
  });

  it('lists the menu of DESIGN.md §8 in its order', () => {
    expect(MENU_ITEMS.map((item) => item.label)).toEqual([
      'Sync now',
      'Set as latest',
      'Revert',
      'Show details',
      'Open console',
      'Settings',
      'Quit',
    ]);
  });
});

describe('plan and operation rows', () => {
  const plan: SyncPlan = syncPlan({
    install: [planItem('ripgrep', null, '14.1.1-1', { repository: 'extra' })],
    downgrade: [
      planItem('mesa', '1:24.3.1-1', '1:24.2.7-1', {
        wanted_version: '1:24.2.8-1',
        install_reason: 'dependency',
        source: 'cache',
      }),
    ],
    remove: [{ package_name: 'old-tool', version: '1.0-1' }],
    unavailable: [
      {
        package_name: 'zoom',
        wanted_version: '6.2.11-1',
        installed_version: '6.1.0-1',
        available_versions: ['6.2.10-1'],
      },
    ],
  });

  it('turns every part of a plan into rows, in plan order', () => {
    expect(planRows(plan)).toEqual([
      {
        action: 'install',
        packageName: 'ripgrep',
        from: '',
        to: '14.1.1-1',
        note: 'from repository (extra)',
      },
      {
        action: 'downgrade',
        packageName: 'mesa',
        from: '1:24.3.1-1',
        to: '1:24.2.7-1',
        note: 'target has 1:24.2.8-1; closest available',
      },
      { action: 'remove', packageName: 'old-tool', from: '1.0-1', to: '', note: '' },
      {
        action: 'unavailable',
        packageName: 'zoom',
        from: '6.1.0-1',
        to: '6.2.11-1',
        note: 'offered: 6.2.10-1',
      },
    ]);
  });

  it('shows reason changes, held packages and the holds the pool overrides', () => {
    const holding = syncPlan({
      upgrade: [planItem('linux', '6.12.1-1', '6.12.4-1', { repository: 'core' })],
      reasons: [
        { package_name: 'htop', version: '3.3.0-1', from_reason: 'dependency', to_reason: 'explicit' },
      ],
      held: [
        {
          package_name: 'xorg-server',
          change: 'upgrade',
          installed_version: '21.1.13-1',
          wanted_version: '21.1.14-1',
          reason: 'ignore_group',
          held_by: 'xorg',
        },
      ],
      overridden_holds: [
        {
          package_name: 'linux',
          change: 'upgrade',
          installed_version: '6.12.1-1',
          wanted_version: '6.12.4-1',
          reason: 'ignore_pkg',
          held_by: 'linux*',
        },
      ],
    });
    expect(planRows(holding)).toEqual([
      {
        action: 'upgrade',
        packageName: 'linux',
        from: '6.12.1-1',
        to: '6.12.4-1',
        note: 'from repository (core); held by IgnorePkg linux*, overridden by the pool',
      },
      {
        action: 'reason',
        packageName: 'htop',
        from: '3.3.0-1 (dependency)',
        to: '3.3.0-1 (explicit)',
        note: 'install reason only',
      },
      {
        action: 'held',
        packageName: 'xorg-server',
        from: '21.1.13-1',
        to: '21.1.14-1',
        note: 'IgnoreGroup xorg in pacman.conf; left as it is (the plan would upgrade it)',
      },
    ]);
    expect(describePlan(holding)).toBe('1 to upgrade, 1 reasons to set, 1 held');
  });

  it('counts a plan in one phrase', () => {
    expect(describePlan(plan)).toBe('1 to install, 1 to downgrade, 1 to remove, 1 unavailable');
    expect(describePlan(syncPlan())).toBe('nothing to do');
  });

  it('formats operations and shows an unparsable time as it came', () => {
    const [row, odd] = operationRows([
      {
        id: '1',
        type: 'set_latest',
        status: 'in_progress',
        createdAt: '2026-11-30T08:12:00',
        message: 'a\nb',
      },
      { id: '2', type: 'revert', status: 'failed', createdAt: 'yesterday\n', message: null },
    ]);
    expect(row).toEqual({
      when: '2026-11-30 08:12',
      type: 'Set as latest',
      status: 'in progress',
      message: 'a b',
    });
    expect(odd).toEqual({ when: 'yesterday', type: 'Revert', status: 'failed', message: '' });
  });
});

describe('notices', () => {
  it('says how an operation ended, with an icon for success or failure', () => {
    const done = operationFinishedNotice({
      id: '1',
      type: 'sync',
      status: 'completed',
      createdAt: '',
      message: '12 packages changed',
    });
    expect(done).toEqual({ summary: 'Sync completed', body: '12 packages changed', icon: 'emblem-default' });
    const failed = operationFinishedNotice({
      id: '2',
      type: 'revert',
      status: 'failed',
      createdAt: '',
      message: null,
    });
    expect(failed).toEqual({ summary: 'Revert failed', body: '', icon: 'dialog-error' });
  });

  it('names who asks for an incoming sync and what it would do', () => {
    const notice = incomingSyncNotice({ operationId: 'x', requestedBy: 'ci\ndeploy', plan: syncPlan() });
    expect(notice.body).toBe('ci deploy asks to sync this machine: nothing to do');
  });

  it('reports a failed action with the error message on one line', () => {
    expect(actionFailedNotice('Sync', new Error('409\nSYNC_CONFLICT'))).toEqual({
      summary: 'Sync failed',
      body: '409 SYNC_CONFLICT',
      icon: 'dialog-error',
    });
    expect(actionFailedNotice('Sync', 'plain').body).toBe('plain');
  });

  it('menuLabel doubles underscores so dbusmenu shows them instead of taking an access key', () => {
    expect(menuLabel('Behind: python_foo, lib__x')).toBe('Behind: python__foo, lib____x');
  });

  it('oneLine strips control characters and C1 codes', () => {
    expect(oneLine('\u001b[31mred\u009b\tok ')).toBe('[31mred ok');
  });
});
