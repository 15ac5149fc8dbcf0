// The GTK tray end to end: the real tray (node-gtk, its item on D-Bus) in a child process, shown
// by a real StatusNotifier host on a private session bus, clicked over dbusmenu as a panel does, its
// actions reaching a real HTTP server. It runs twice (`npm run test:tray -w tray-client`): under Xvfb,
// with the test's own watcher as the host, and natively on Wayland under a headless sway, where a real
// Waybar is the host and grim takes the screenshot (test/support/gui-desktop.ts).
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import { SyncPlan } from '@pacman-sync/shared';

import type { Operation } from '../src/api/api-types';
import { DETAILS_WINDOW_TITLE } from '../src/tray/details-window';
import { TRAY_UNAVAILABLE_EXIT_CODE } from '../src/tray/tray-environment';
import { MENU_ITEMS, STATE_PRESENTATION, TRAY_TITLE } from '../src/tray/tray-view';
import { HttpTestServer, json, RecordedRequest } from './support/http-test-server';
import { FakeEndpoint } from './support/http-tray-backend';
import { NotificationServer } from './support/notification-server';
import { TestDesktop, TrayPanel } from './support/gui-desktop';
import { decodePng, paintStatistics, RgbaImage } from './support/png';
import { serverOperation } from './support/operations';
import { planItem, syncPlan } from './support/plans';
import { TrayItem } from './support/status-notifier-host';
import { TrayProcess } from './support/tray-process';

const ENDPOINT_ID = '7b1c7a3e-5d0f-4f57-9a57-3f1f2c7e9d11';
const SCREENSHOTS = join(__dirname, '..', '..', 'test-output', 'screenshots');
const CONFIRM_TITLE = 'pacman-sync: sync requested';

const plan: SyncPlan = syncPlan({
  install: [planItem('ripgrep', null, '14.1.1-1', { repository: 'extra' })],
  upgrade: [planItem('linux-firmware', '20241017.b4f0742e-1', '20241111.b5885ec5-1', { source: 'cache' })],
  downgrade: [
    planItem('mesa', '1:24.3.1-1', '1:24.2.8-1', { install_reason: 'dependency', source: 'archive' }),
  ],
  unavailable: [
    { package_name: 'zoom', wanted_version: '6.2.11-1', installed_version: null, available_versions: [] },
  ],
});

/** What the details window must show for `plan` and the fleet's operations, label by label. */
const DETAILS_TEXTS = [
  'lab-workstation-03 in pool lab',
  "Plan to the pool's target: 1 to install, 1 to upgrade, 1 to downgrade, 1 unavailable",
  'install | ripgrep |  | 14.1.1-1 | from repository (extra)',
  'downgrade | mesa | 1:24.3.1-1 | 1:24.2.8-1 | from archive',
  'unavailable | zoom |  | 6.2.11-1 | no repository or cache offers it',
  'Set as latest | completed | target set from lab-workstation-01',
];
/**
 * Lines of text in that window: the heading, the "Plan" title, the plan summary, the plan's header
 * and four rows, the "Recent operations" title, the operations' header and one row.
 */
const DETAILS_LINES = 11;

/** An operation as the server lists it; the double maps it with the real backend's trayOperation. */
function fleetOperation(
  id: string,
  type: Operation['operation_type'],
  status: Operation['status'],
  details: { requested_by: string; plan?: SyncPlan; result?: { summary: string } },
): Operation {
  return serverOperation({ id, endpoint_id: ENDPOINT_ID, operation_type: type, status, details });
}

/** The little fleet server the test double of the core talks to. */
class FakeFleet {
  endpoint: FakeEndpoint = {
    id: ENDPOINT_ID,
    name: 'lab-workstation-03',
    pool_name: 'lab',
    sync_status: 'in_sync',
    summary: 'matches the pool target',
    can_revert: true,
  };
  operations: Operation[] = [
    {
      ...fleetOperation('op-1', 'set_latest', 'completed', {
        requested_by: 'admin',
        result: { summary: 'target set from lab-workstation-01' },
      }),
      created_at: '2026-11-30T08:12:00Z',
    },
  ];
  /** Answer for the next action POST, to test failures (e.g. 409 SYNC_CONFLICT). */
  actionFailure: { status: number; code: string; message: string } | null = null;

  route(request: RecordedRequest, response: import('node:http').ServerResponse): void {
    const url = new URL(request.url, 'http://fleet');
    const base = `/api/endpoints/${ENDPOINT_ID}`;
    if (request.method === 'GET' && url.pathname === base) return json(response, 200, this.endpoint);
    if (request.method === 'GET' && url.pathname === `${base}/plan`) return json(response, 200, plan);
    if (request.method === 'GET' && url.pathname === '/api/operations') {
      const items = this.operations.filter(() => url.searchParams.get('endpoint_id') === ENDPOINT_ID);
      return json(response, 200, { items, total: items.length });
    }
    const action = new RegExp(`^${base}/(sync|set-latest|revert)$`).exec(url.pathname);
    if (request.method === 'POST' && action) {
      if (this.actionFailure) {
        const { status, code, message } = this.actionFailure;
        return json(response, status, {
          error: { code, message, details: null, timestamp: new Date().toISOString() },
        });
      }
      return json(response, 202, { id: `op-${this.operations.length + 1}`, status: 'pending' });
    }
    const claim = /^\/api\/operations\/([\w-]+)\/(claim|cancel)$/.exec(url.pathname);
    if (request.method === 'POST' && claim) {
      const operation = this.operations.find((candidate) => candidate.id === claim[1]);
      if (operation) operation.status = claim[2] === 'claim' ? 'in_progress' : 'cancelled';
      return json(response, operation ? 200 : 404, operation ?? { error: { code: 'NOT_FOUND' } });
    }
    json(response, 404, { error: { code: 'NOT_FOUND', message: `${request.method} ${url.pathname}` } });
  }
}

async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** How often the backend double has listed the operations so far. */
function operationPolls(server: HttpTestServer): number {
  return server.requests.filter((request) => request.url.startsWith('/api/operations?')).length;
}

/**
 * A desktop whose default application for web pages and text files is a recorder, so that "Open console"
 * and "Settings" can be checked through GIO's real default-handler lookup (what xdg-open would pick).
 */
function desktopWithRecordingOpener(root: string, record: string): NodeJS.ProcessEnv {
  const data = join(root, 'data');
  const config = join(root, 'config');
  mkdirSync(join(data, 'applications'), { recursive: true });
  mkdirSync(config, { recursive: true });
  const opener = join(root, 'record-open');
  writeFileSync(opener, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${record}'\n`, { mode: 0o755 });
  writeFileSync(
    join(data, 'applications', 'recording-opener.desktop'),
    `[Desktop Entry]\nType=Application\nName=Recording opener\nExec=${opener} %u\n` +
      'MimeType=x-scheme-handler/http;text/plain;application/octet-stream;\n',
  );
  writeFileSync(
    join(config, 'mimeapps.list'),
    '[Default Applications]\n' +
      ['x-scheme-handler/http', 'text/plain', 'application/octet-stream']
        .map((type) => `${type}=recording-opener.desktop\n`)
        .join(''),
  );
  return { XDG_DATA_HOME: data, XDG_CONFIG_HOME: config };
}

function openedUris(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

function posts(server: HttpTestServer, path: string): RecordedRequest[] {
  return server.requests.filter((request) => request.method === 'POST' && request.url === path);
}

describe('the tray under a real StatusNotifier host', () => {
  let desktop: TestDesktop;
  let host: TrayPanel;
  let server: HttpTestServer;
  let fleet: FakeFleet;
  let tray: TrayProcess;
  let item: TrayItem;
  let configFile: string;
  let notifications: NotificationServer;
  /** Where the desktop's default handler writes each URI it was asked to open. */
  let opened: string;

  beforeAll(async () => {
    desktop = TestDesktop.current();
    host = await desktop.startPanel();
    fleet = new FakeFleet();
    server = await HttpTestServer.start();
    server.otherwise((request, response) => fleet.route(request, response));
    // The tray's default handler (run as the desktop's user) records into this directory.
    const configDir = desktop.scratchDir('pacman-sync-tray-e2e');
    configFile = join(configDir, 'client.conf');
    writeFileSync(configFile, '[server]\nurl = http://127.0.0.1:9\n');
    opened = join(configDir, 'opened.txt');
    tray = TrayProcess.start(
      desktop.clientEnv({
        ...desktopWithRecordingOpener(join(configDir, 'desktop'), opened),
        TRAY_FIXTURE_SERVER: server.url,
        TRAY_FIXTURE_ENDPOINT: ENDPOINT_ID,
        TRAY_FIXTURE_CONFIG: configFile,
        TRAY_FIXTURE_POLL_MS: '100',
      }),
      { desktop },
    );
    await tray.waitFor('started');
    item = await host.waitForItem();
  });

  afterAll(async () => {
    tray?.kill();
    await server?.close();
    await host?.close();
    await notifications?.close();
  });

  it('registers an item titled pacman-sync, Active, with the icon of its status', async () => {
    expect(await item.property('Title')).toBe(TRAY_TITLE);
    expect(await item.property('Status')).toBe('Active');
    expect(await item.property('Category')).toBe('ApplicationStatus');
    expect(await item.waitForProperty('IconName', (icon) => icon === STATE_PRESENTATION.in_sync.icon)).toBe(
      'emblem-default',
    );
    expect(await item.toolTip()).toEqual({
      title: 'pacman-sync: In sync',
      description: 'matches the pool target',
    });
  });

  it('shows the status line and the menu of DESIGN.md §8 in order', async () => {
    await item.waitForEntry('In sync: matches the pool target', (entry) => !entry.enabled);
    const labels = (await item.menu())
      .filter((entry) => entry.type !== 'separator')
      .map((entry) => entry.label);
    // tray-view.spec.ts pins MENU_ITEMS to DESIGN.md §8; here the panel must show exactly those.
    expect(labels).toEqual(['In sync: matches the pool target', ...MENU_ITEMS.map((entry) => entry.label)]);
    // In sync: nothing to sync, everything else available.
    expect((await item.entry('Sync now')).enabled).toBe(false);
    expect((await item.entry('Set as latest')).enabled).toBe(true);
  });

  it('follows a status change pushed by the core: icon, tooltip, status line and Sync now', async () => {
    const newToolTips = await item.countSignal('NewToolTip');
    fleet.endpoint = { ...fleet.endpoint, sync_status: 'behind', summary: '3 packages behind the target' };
    expect(await item.waitForProperty('IconName', (icon) => icon !== 'emblem-default')).toBe(
      'software-update-available',
    );
    await item.waitForEntry('Behind: 3 packages behind the target', (entry) => !entry.enabled);
    expect((await item.waitForEntry('Sync now', (entry) => entry.enabled)).enabled).toBe(true);
    // Hosts re-read the tooltip when the item says NewToolTip.
    await until('the NewToolTip signal', () => newToolTips() > 0);
    expect(await item.toolTip()).toEqual({
      title: 'pacman-sync: Behind',
      description: '3 packages behind the target',
    });
  });

  it('clicking Sync now in the panel makes the server receive POST /api/endpoints/{id}/sync', async () => {
    const before = posts(server, `/api/endpoints/${ENDPOINT_ID}/sync`).length;
    await item.click('Sync now');
    await until(
      'the sync request',
      () => posts(server, `/api/endpoints/${ENDPOINT_ID}/sync`).length > before,
    );
    expect(posts(server, `/api/endpoints/${ENDPOINT_ID}/sync`)).toHaveLength(before + 1);
  });

  it('disables Sync now, Set as latest and Revert while syncing, and enables them after', async () => {
    fleet.endpoint = { ...fleet.endpoint, sync_status: 'syncing', summary: 'installing 3 packages' };
    expect(await item.waitForProperty('IconName', (icon) => icon === 'emblem-synchronizing')).toBe(
      'emblem-synchronizing',
    );
    for (const label of ['Sync now', 'Set as latest', 'Revert']) {
      expect((await item.waitForEntry(label, (entry) => !entry.enabled)).enabled).toBe(false);
    }
    expect((await item.entry('Show details')).enabled).toBe(true);
    fleet.endpoint = { ...fleet.endpoint, sync_status: 'diverged', summary: '2 newer, 1 missing' };
    expect(await item.waitForProperty('IconName', (icon) => icon !== 'emblem-synchronizing')).toBe(
      'dialog-warning',
    );
    expect((await item.waitForEntry('Revert', (entry) => entry.enabled)).enabled).toBe(true);
  });

  it('survives a refused action (409 SYNC_CONFLICT) and keeps serving clicks', async () => {
    fleet.actionFailure = { status: 409, code: 'SYNC_CONFLICT', message: 'a sync is already pending' };
    const path = `/api/endpoints/${ENDPOINT_ID}/revert`;
    await item.click('Revert');
    await until('the refused revert', () => posts(server, path).length === 1);
    await until('the failure logged', () => tray.stderr.includes('Revert failed: a sync is already pending'));
    fleet.actionFailure = null;
    await item.waitForEntry('Revert', (entry) => entry.enabled);
    await item.click('Revert');
    await until('the second revert', () => posts(server, path).length === 2);
    expect(tray.events.some((event) => event.event === 'exit')).toBe(false);
  });

  it('Show details opens a window with the plan and the operations, rendered to a PNG', async () => {
    await item.click('Show details');
    // The window opens on a loading line; the details replace it when the server has answered.
    const readable = await until(
      'the details in the window',
      async () => {
        const { texts } = await tray.request({ cmd: 'texts', title: DETAILS_WINDOW_TITLE }, 'texts');
        const joined = (texts as string[]).join(' | ');
        return joined.includes('lab-workstation-03 in pool lab') && joined;
      },
      20000,
    );
    for (const expected of DETAILS_TEXTS) expect(readable).toContain(expected);
    expect(server.requests.some((request) => request.url === `/api/endpoints/${ENDPOINT_ID}/plan`)).toBe(
      true,
    );

    const { image, size } =
      desktop.kind === 'x11' ? await drawnByGtk(tray) : await shownBySway(desktop, DETAILS_LINES);
    expect({ width: image.width, height: image.height }).toEqual(size);
    // At least the default size the window asks for (820x480).
    expect(image.width).toBeGreaterThanOrEqual(820);
    expect(image.height).toBeGreaterThanOrEqual(480);
    const paint = paintStatistics(image);
    // The clean-clone CI failure was one flat colour (black); an unpainted surface is transparent.
    expect(paint.opaqueShare).toBe(1);
    expect(paint.distinctColours).toBeGreaterThan(16);
    expect(paint.inkShare).toBeGreaterThan(0.01);
    expect(paint.inkShare).toBeLessThan(0.5);
    // Every line of text the window holds is drawn, laid out one under another.
    expect(paint.inkBands).toBeGreaterThanOrEqual(DETAILS_LINES);

    // Reopening reuses the one window instead of stacking a second.
    await item.click('Show details');
    const { titles } = await tray.request({ cmd: 'windows' }, 'windows');
    expect((titles as string[]).filter((title) => title === DETAILS_WINDOW_TITLE)).toHaveLength(1);
  });

  it('Open console and Settings hand the console URL and the config file to the desktop default handler', async () => {
    await item.click('Open console');
    await until('the console to be opened', () => openedUris(opened).length === 1);
    expect(openedUris(opened)).toEqual([`${server.url}/`]);
    await item.click('Settings');
    await until('the config file to be opened', () => openedUris(opened).length === 2);
    expect(openedUris(opened)[1]).toMatch(new RegExp(`^(file://)?${configFile.replace(/[.]/g, '\\.')}$`));

    // A missing config file is reported, not handed to the desktop.
    renameSync(configFile, `${configFile}.away`);
    try {
      await item.click('Settings');
      await until('the missing file reported', () => tray.stderr.includes('Settings failed: '));
      expect(tray.stderr).toContain(`${configFile} does not exist yet`);
      expect(openedUris(opened)).toHaveLength(2);
    } finally {
      renameSync(`${configFile}.away`, configFile);
    }
  });

  it('asks before applying an incoming sync and claims it only when the user accepts', async () => {
    const incoming = (id: string) =>
      fleetOperation(id, 'sync', 'pending', { requested_by: 'admin from the console', plan });
    fleet.operations.push(incoming('op-incoming-1'));
    await tray.request({ cmd: 'dialog', title: CONFIRM_TITLE, accept: false }, 'dialog');
    await until('the decline', () => posts(server, '/api/operations/op-incoming-1/cancel').length === 1);
    expect(posts(server, '/api/operations/op-incoming-1/claim')).toHaveLength(0);

    fleet.operations.push(incoming('op-incoming-2'));
    await tray.request({ cmd: 'dialog', title: CONFIRM_TITLE, accept: true }, 'dialog');
    await until('the claim', () => posts(server, '/api/operations/op-incoming-2/claim').length === 1);
    expect(posts(server, '/api/operations/op-incoming-2/cancel')).toHaveLength(0);
  });

  it('notifies a finished operation without a notification daemon and without crashing', async () => {
    const running = fleet.operations.find((operation) => operation.id === 'op-incoming-2')!;
    running.status = 'completed';
    running.details = { ...running.details, result: { summary: '3 packages changed' } };
    await until('the notification attempt', () => tray.stderr.includes('cannot show notifications'));
    expect(tray.events.some((event) => event.event === 'exit')).toBe(false);
    expect(await item.property('Status')).toBe('Active');
  });

  it('shows finished operations and incoming sync requests as desktop notifications', async () => {
    notifications = await NotificationServer.start();
    fleet.operations.push(
      fleetOperation('op-notified', 'revert', 'in_progress', { requested_by: 'this machine' }),
    );
    // The backend reports an operation as finished only when it saw it running first.
    const polls = operationPolls(server);
    await until('the backend to see the running revert', () => operationPolls(server) >= polls + 2);
    const running = fleet.operations.find((operation) => operation.id === 'op-notified')!;
    running.status = 'failed';
    running.error = 'pacman: failed to commit transaction (conflicting files)';
    const failed = await until('the revert notification', () =>
      notifications.shown.find((shown) => shown.summary === 'Revert failed'),
    );
    expect(failed).toEqual({
      appName: 'pacman-sync',
      icon: 'dialog-error',
      summary: 'Revert failed',
      body: 'pacman: failed to commit transaction (conflicting files)',
    });

    fleet.operations.push(
      fleetOperation('op-incoming-3', 'sync', 'pending', { requested_by: 'this machine', plan }),
    );
    const requested = await until('the incoming sync notification', () =>
      notifications.shown.find((shown) => shown.summary === 'Sync requested'),
    );
    expect(requested.body).toBe(
      'this machine asks to sync this machine: 1 to install, 1 to upgrade, 1 to downgrade, 1 unavailable',
    );
    await tray.request({ cmd: 'dialog', title: CONFIRM_TITLE, accept: false }, 'dialog');
    await until('the decline', () => posts(server, '/api/operations/op-incoming-3/cancel').length === 1);
  });

  it('shows a package name with underscores as it is, not as an access key', async () => {
    fleet.endpoint = { ...fleet.endpoint, sync_status: 'behind', summary: 'python_foo <b>1.0</b> is older' };
    // dbusmenu shows "__" as "_" (a single "_" would mark the access key and vanish).
    const expected = 'Behind: python__foo <b>1.0</b> is older';
    const labels = await until('the new status line', async () => {
      const menu = (await item.menu()).map((entry) => entry.label);
      return menu[0] === expected && menu;
    });
    expect(labels[0]).toBe(expected);
    // Hosts read the tooltip as markup: the summary stays text.
    expect((await item.toolTip()).description).toBe('python_foo &lt;b&gt;1.0&lt;/b&gt; is older');
  });

  it('Quit in the menu ends the tray with exit code 0', async () => {
    await item.click('Quit');
    expect(await tray.exited).toBe(0);
    expect(tray.events.find((event) => event.event === 'exit')).toEqual({ event: 'exit', code: 0 });
  });
});

describe('the tray where it cannot be shown', () => {
  let desktop: TestDesktop;
  beforeAll(() => (desktop = TestDesktop.current()));

  it('without a display: says so and exits with code 5', async () => {
    const tray = TrayProcess.start(desktop.clientEnv({ DISPLAY: undefined, WAYLAND_DISPLAY: undefined }), {
      desktop,
    });
    expect(await tray.exited).toBe(TRAY_UNAVAILABLE_EXIT_CODE);
    expect(tray.stderr).toContain('cannot show the tray: no graphical display');
  });

  it('with a display GTK cannot open: says so and exits with code 5', async () => {
    const display = desktop.unopenableDisplay();
    const tray = TrayProcess.start(desktop.clientEnv(display.env), { desktop });
    expect(await tray.exited).toBe(TRAY_UNAVAILABLE_EXIT_CODE);
    expect(tray.stderr).toContain(`GTK cannot open the display ${display.name}`);
  });

  it('without a tray host on the session bus: says so and exits with code 5', async () => {
    // A fresh session bus of its own, on which nobody owns org.kde.StatusNotifierWatcher.
    const tray = TrayProcess.start(desktop.clientEnv(), { desktop, wrapper: ['dbus-run-session', '--'] });
    expect(await tray.exited).toBe(TRAY_UNAVAILABLE_EXIT_CODE);
    expect(tray.stderr).toContain('no system tray: nothing owns org.kde.StatusNotifierWatcher');
  });

  it('without a session bus at all: says so and exits with code 5', async () => {
    const env = desktop.clientEnv({ XDG_RUNTIME_DIR: '/nonexistent', DBUS_SESSION_BUS_ADDRESS: undefined });
    const tray = TrayProcess.start(env, { desktop });
    expect(await tray.exited).toBe(TRAY_UNAVAILABLE_EXIT_CODE);
    expect(tray.stderr).toContain('no D-Bus session bus');
  });
});

describe('the tray stopped by its service manager', () => {
  let desktop: TestDesktop;
  let host: TrayPanel;
  let server: HttpTestServer;

  beforeAll(async () => {
    desktop = TestDesktop.current();
    host = await desktop.startPanel();
    const fleet = new FakeFleet();
    server = await HttpTestServer.start();
    server.otherwise((request, response) => fleet.route(request, response));
  });

  afterAll(async () => {
    await host?.close();
    await server?.close();
  });

  it('ends with exit code 0 on SIGTERM (systemd stopping the user unit)', async () => {
    const tray = TrayProcess.start(desktop.clientEnv(), { desktop });
    try {
      await tray.waitFor('started');
      const item = await host.waitForItem();
      expect(await item.property('Status')).toBe('Active');
      expect(await tray.stop()).toBe(0);
      expect(tray.events.find((event) => event.event === 'exit')).toEqual({ event: 'exit', code: 0 });
    } finally {
      tray.kill();
    }
  });

  it('registers again with a tray host that restarts (a panel reloading)', async () => {
    const tray = TrayProcess.start(desktop.clientEnv(), { desktop });
    try {
      await tray.waitFor('started');
      await host.waitForItem();
      await host.close();
      host = await desktop.startPanel();
      const item = await host.waitForItem();
      expect(await item.property('Title')).toBe(TRAY_TITLE);
      expect((await item.menu()).map((entry) => entry.label)).toContain('Quit');
      expect(await tray.stop()).toBe(0);
    } finally {
      tray.kill();
    }
  });

  it('ends with exit code 0 on SIGTERM after Show details loaded its window', async () => {
    // The Wayland stall: the window stayed at "Loading…" and the process no longer handled SIGTERM.
    const tray = TrayProcess.start(
      desktop.clientEnv({
        TRAY_FIXTURE_SERVER: server.url,
        TRAY_FIXTURE_ENDPOINT: ENDPOINT_ID,
        TRAY_FIXTURE_POLL_MS: '100',
      }),
      { desktop },
    );
    try {
      await tray.waitFor('started');
      const item = await host.waitForItem();
      await item.click('Show details');
      await until(
        'the details in the window',
        async () => {
          const { texts } = await tray.request({ cmd: 'texts', title: DETAILS_WINDOW_TITLE }, 'texts');
          return (texts as string[]).includes('lab-workstation-03 in pool lab');
        },
        20000,
      );
      // GTK called from a tick that node-gtk runs between GLib's prepare callbacks, where Wayland stalled.
      await tray.request({ cmd: 'present-from-tick', title: DETAILS_WINDOW_TITLE }, 'presented');
      expect(await tray.stop()).toBe(0);
      expect(tray.events.find((event) => event.event === 'exit')).toEqual({ event: 'exit', code: 0 });
    } finally {
      tray.kill();
    }
  });
});

/** X11: the fixture has GTK draw the window's widget tree into a PNG (docs/tray.md says why). */
async function drawnByGtk(
  tray: TrayProcess,
): Promise<{ image: RgbaImage; size: { width: number; height: number } }> {
  const file = join(SCREENSHOTS, 'tray-details.png');
  rmSync(file, { force: true });
  const shot = await tray.request(
    { cmd: 'screenshot', title: DETAILS_WINDOW_TITLE, path: file },
    'screenshot',
  );
  return {
    image: decodePng(readFileSync(file)),
    size: { width: shot.width as number, height: shot.height as number },
  };
}

/**
 * Wayland: what sway shows of the window, taken with grim from the compositor. The test has just read
 * the loaded details from the widgets; the compositor shows them once GTK has committed its next frame,
 * so the picture is retaken until it holds every line of text (the checks that follow still decide).
 */
async function shownBySway(
  desktop: TestDesktop,
  lines: number,
): Promise<{ image: RgbaImage; size: { width: number; height: number } }> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const kept = join(SCREENSHOTS, 'tray-details-sway.png');
  let seen = 'no window';
  const deadline = Date.now() + 20000;
  for (;;) {
    const rect = await desktop.windowRect(DETAILS_WINDOW_TITLE);
    if (rect) {
      const shot = await desktop.screenshot(rect, 'tray-details');
      copyFileSync(shot.file, kept);
      const bands = paintStatistics(shot.image).inkBands;
      if (bands >= lines) {
        // The whole output too (Waybar with the tray's icon above the window), for a human to look at.
        copyFileSync((await desktop.screenshot(null, 'desktop')).file, join(SCREENSHOTS, 'sway-desktop.png'));
        return { image: shot.image, size: { width: rect.width, height: rect.height } };
      }
      seen = `${bands} lines of text in ${JSON.stringify(rect)}`;
    }
    if (Date.now() > deadline) {
      if (seen === 'no window')
        seen = `no such window; sway has ${(await desktop.windows()).join(', ') || 'none'}`;
      throw new Error(
        `sway did not show the details window with ${lines} lines (last: ${seen}; see ${kept})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
