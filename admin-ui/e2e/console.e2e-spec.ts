import type { Locator, Page } from 'playwright-core';

import { launchChromium, screenshot, seriousAxeViolations, type Chromium } from './support/chromium';
import { startConsoleServer, type ConsoleServer } from './support/console-server';
import { FleetApi, type PackageSpec, type SimulatedEndpoint } from './support/fleet-api';

// One story, in order, as an administrator would live it: each test continues where the previous one left
// the fleet. Waits are for what the page shows, never fixed sleeps.

const TARGET: PackageSpec[] = [
  { name: 'glibc', version: '2.39-1' },
  { name: 'linux', version: '6.7.1-1' },
  { name: 'linux-firmware', version: '20240115-1' },
  { name: 'firefox', version: '122.0-1', repository: 'extra' },
  { name: 'mesa', version: '24.0.1-1', repository: 'extra' },
  { name: 'vim', version: '9.1-1', repository: 'extra' },
];
const CORE = TARGET.filter((pkg) => !pkg.repository);
const withVersion = (name: string, version: string) =>
  TARGET.map((pkg) => (pkg.name === name ? { ...pkg, version } : pkg));

const VIEWER = { username: 'vera', password: 'viewer-password-1' };

async function textOf(locator: Locator): Promise<string> {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

/** Polls until the element's text matches; the failure names what was last seen. */
async function waitForText(locator: Locator, expected: string | RegExp, timeout = 15000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const seen = (await locator.count()) > 0 ? await textOf(locator.first()) : '<absent>';
    if (typeof expected === 'string' ? seen === expected : expected.test(seen)) return;
    if (Date.now() > deadline) throw new Error(`expected ${String(expected)}, last saw "${seen}"`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function expectAccessible(page: Page, screen: string): Promise<void> {
  const violations = await seriousAxeViolations(page);
  expect({ screen, violations }).toEqual({ screen, violations: [] });
}

/**
 * Follows a main-navigation link and waits for the new screen's own heading. Screens are lazy chunks, so
 * for a moment after the click the previous screen is still the one on the page: a locator such as
 * getByLabel('Name') would find the pool form's "Name" field there and type into it (or into nothing, as it
 * goes away), leaving the new screen's field empty.
 */
async function openScreen(page: Page, link: string, heading: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }).click();
  await page.getByRole('heading', { name: heading, exact: true, level: 1 }).waitFor();
}

async function confirmDialog(page: Page, button: string): Promise<void> {
  const dialog = page.locator('dialog[open]');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: button, exact: true }).click();
  await dialog.waitFor({ state: 'detached' }).catch(() => undefined);
}

describe('admin console in Chromium', () => {
  let server: ConsoleServer;
  let browser: Chromium;
  let page: Page;
  let api: FleetApi;
  const endpoints: Record<string, SimulatedEndpoint> = {};

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startConsoleServer();
    api = new FleetApi(server.baseUrl);
    await api.signInAdmin(server.adminPassword);
    // Three machines: alpha will be the reference, beta is one package behind, gamma matches.
    for (const name of ['alpha', 'beta', 'gamma']) endpoints[name] = await api.register(name);
    await api.reportState(endpoints.alpha, TARGET);
    await api.reportState(endpoints.beta, withVersion('vim', '9.0-1'));
    await api.reportState(endpoints.gamma, TARGET);
    // beta's mirror has no firefox and a newer mesa: the analysis must say so.
    for (const name of ['alpha', 'gamma']) {
      await api.reportRepositories(endpoints[name], {
        core: CORE,
        extra: TARGET.filter((pkg) => pkg.repository),
      });
    }
    await api.reportRepositories(endpoints.beta, {
      core: CORE,
      extra: [
        { name: 'mesa', version: '24.1.0-1' },
        { name: 'vim', version: '9.1-1' },
      ],
    });
    page = await browser.context.newPage();
  }, 90000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('serves the console with deep links and leaves /api to the API', async () => {
    const deepLink = await fetch(`${server.baseUrl}/pools/00000000-0000-4000-8000-000000000000`);
    expect([
      deepLink.status,
      deepLink.headers.get('content-type'),
      deepLink.headers.get('cache-control'),
    ]).toEqual([200, 'text/html; charset=utf-8', 'no-cache']);
    const html = await deepLink.text();
    expect(html).toContain('<ps-root>');
    const script = /src="(main-[A-Z0-9]+\.js)"/.exec(html)![1];
    const asset = await fetch(`${server.baseUrl}/${script}`);
    expect([asset.status, asset.headers.get('cache-control')]).toEqual([
      200,
      'public, max-age=31536000, immutable',
    ]);
    const unknownApi = await fetch(`${server.baseUrl}/api/no-such-route`);
    expect(unknownApi.status).toBe(404);
    expect(await unknownApi.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('refuses a wrong password and signs the admin in', async () => {
    await page.goto(`${server.baseUrl}/`);
    await page.getByLabel('Username').waitFor();
    await screenshot(page, 'login');
    await expectAccessible(page, 'login');

    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitForText(page.getByRole('alert'), /invalid|wrong|credentials|unauth/i);

    await page.getByLabel('Password').fill(server.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await waitForText(page.getByTestId('current-role'), 'admin');
    await waitForText(page.getByTestId('count-unknown'), '3');
  });

  it('creates a pool', async () => {
    await openScreen(page, 'Pools', 'Pools');
    await page.getByLabel('Name').fill('lab');
    await page.getByLabel('Description').fill('Workstations in the lab');
    await page.getByRole('button', { name: 'Create pool' }).click();
    await page.getByRole('heading', { name: 'Pool lab' }).waitFor();
    await waitForText(page.getByTestId('pool-target'), /No target yet/);
  });

  it('adds an endpoint from the pool screen with one bulk call', async () => {
    const candidates = page.getByTestId('assign-candidates');
    await waitForText(candidates, /alpha.*beta.*gamma/);
    await page.getByRole('searchbox', { name: 'Find' }).fill('ALP');
    await waitForText(candidates, /^(?!.*beta).*alpha/);
    await candidates.getByRole('checkbox', { name: /alpha/ }).check();
    const bulk = page.waitForRequest(
      (request) => request.method() === 'POST' && /\/api\/pools\/[^/]+\/endpoints$/.test(request.url()),
    );
    await page.getByRole('button', { name: 'Add 1 to the pool' }).click();
    expect(JSON.parse((await bulk).postData()!)).toEqual({ endpoint_ids: [endpoints.alpha.id] });
    await waitForText(page.getByText(/^Added \d+ endpoint/), 'Added 1 endpoint(s) to the pool.');
    await waitForText(page.getByTestId('pool-members').locator('tbody'), /^alpha/);
    await waitForText(candidates, 'No endpoint matches.');
    await expectAccessible(page, 'pool detail');
  });

  it('searches and sorts endpoints on the server', async () => {
    await openScreen(page, 'Endpoints', 'Endpoints');
    await waitForText(page.getByTestId('row-count'), '3 endpoint(s)');
    const rows = page.getByRole('list', { name: 'Endpoints' }).getByRole('listitem');
    await waitForText(rows.first(), /^alpha/);
    await page.getByRole('button', { name: /^Name/ }).click();
    await waitForText(rows.first(), /^gamma/);
    await page.getByRole('button', { name: /^Name/ }).click();
    await waitForText(rows.first(), /^alpha/);
    await page.getByLabel('Search').fill('BET');
    await waitForText(page.getByTestId('row-count'), '1 matching endpoint(s)');
    await waitForText(rows.first(), /^beta/);
    await page.getByLabel('Search').fill('no-such-machine');
    await waitForText(page.getByTestId('row-count'), 'No endpoint matches the filter.');
    await expectAccessible(page, 'endpoints, nothing found');
    await page.getByLabel('Search').fill('');
    await waitForText(page.getByTestId('row-count'), '3 endpoint(s)');
  });

  it('assigns several endpoints to the pool at once', async () => {
    await expectAccessible(page, 'endpoints');
    await page.getByRole('button', { name: 'Select all shown' }).click();
    await waitForText(page.getByTestId('selected-count'), '3 selected');
    await page.getByLabel('Assign to').selectOption({ label: 'lab' });
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    const bulk = page.waitForRequest(
      (request) => request.method() === 'POST' && /\/api\/pools\/[^/]+\/endpoints$/.test(request.url()),
    );
    await confirmDialog(page, 'Assign');
    expect(JSON.parse((await bulk).postData()!).endpoint_ids).toHaveLength(3);
    await waitForText(page.getByText(/Assigned \d+ endpoint/), 'Assigned 3 endpoint(s).');
    await screenshot(page, 'endpoints');
  });

  it('sets alpha as the target and shows every status against it', async () => {
    await page.goto(`${server.baseUrl}/endpoints/${endpoints.alpha.id}`);
    await page.getByRole('heading', { name: /alpha/ }).waitFor();
    await page.getByRole('button', { name: 'Set as latest' }).click();
    await confirmDialog(page, 'Set as latest');
    await waitForText(page.getByTestId('endpoint-status'), 'In sync');
    await page.getByTestId('plan-empty').waitFor();
    await expectAccessible(page, 'endpoint detail');

    // Keyboard only: Escape cancels the confirmation without acting; Enter on its confirm button acts, and
    // the server's refusal (nothing to revert) reaches the page as its own message.
    await page.getByRole('button', { name: 'Revert', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.locator('dialog[open]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('dialog[open]').waitFor({ state: 'detached' });
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.keyboard.press('Enter');
    await page.locator('dialog[open]').waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await waitForText(page.getByRole('alert'), /no completed sync or revert to go back from/);

    await openScreen(page, 'Dashboard', 'Dashboard');
    await waitForText(page.getByTestId('count-behind'), '1');
    await waitForText(page.getByTestId('count-in_sync'), '2');
  });

  it('updates the dashboard live when an endpoint reports', async () => {
    await waitForText(page.locator('.connection'), 'Live');
    await api.reportState(endpoints.beta, TARGET);
    await waitForText(page.getByTestId('count-behind'), '0', 5000);
    await waitForText(page.getByTestId('count-in_sync'), '3', 5000);
    await api.reportState(endpoints.gamma, withVersion('linux', '6.6.10-1'));
    await waitForText(page.getByTestId('count-behind'), '1', 5000);
    await waitForText(page.getByTestId('attention'), /gamma/);
  });

  it('syncs gamma and follows the operation to completion', async () => {
    await page.getByTestId('attention').getByRole('link', { name: 'gamma' }).click();
    await waitForText(page.getByTestId('endpoint-status'), 'Behind');
    await waitForText(page.getByTestId('plan-summary'), '1 upgrade');
    await waitForText(
      page.getByTestId('plan-table').locator('tbody tr').first(),
      /upgrade linux 6\.6\.10-1 6\.7\.1-1/,
    );
    await screenshot(page, 'endpoint-detail');

    await page.getByRole('button', { name: 'Sync', exact: true }).click();
    await confirmDialog(page, 'Start sync');
    await waitForText(page.getByTestId('active-operation'), /sync operation\s*Pending/);

    const operation = await api.pendingOperation(endpoints.gamma);
    expect(operation?.operation_type).toBe('sync');
    await api.claim(endpoints.gamma, operation!.id);
    await api.progress(endpoints.gamma, operation!.id, 40, 'Downloading linux-6.7.1-1');
    await waitForText(page.getByTestId('active-operation'), /In progress.*Downloading linux-6\.7\.1-1/, 5000);
    await api.complete(endpoints.gamma, operation!.id, 'upgraded 1 package');
    await api.reportState(endpoints.gamma, TARGET);
    await waitForText(
      page.getByTestId('endpoint-operations').locator('tbody tr').first(),
      /sync Completed upgraded 1 package/,
      5000,
    );
    await waitForText(page.getByTestId('endpoint-status'), 'In sync', 5000);
    await page.getByTestId('active-operation').waitFor({ state: 'detached' });

    await page.getByLabel('Filter packages').fill('linux');
    await waitForText(page.getByTestId('package-count'), '2 of 6 packages');
    // Newest snapshot against the one before it: what the sync changed.
    await page.reload();
    await page.getByRole('button', { name: 'Compare' }).click();
    await waitForText(page.getByTestId('state-diff').locator('tbody tr'), 'upgraded linux 6.6.10-1 6.7.1-1');
  });

  it('analyses the pool repositories and shows what each endpoint lacks', async () => {
    await openScreen(page, 'Repositories', 'Repository analysis');
    await page.getByTestId('no-analysis').waitFor();
    await page.getByRole('button', { name: 'Analyse again' }).click();
    await waitForText(page.getByTestId('analysis-summary'), /4 common, 1 excluded, 1 conflicts/);
    await waitForText(page.getByTestId('excluded-table').locator('tbody tr'), 'firefox 122.0-1 beta');
    await page.getByRole('tab', { name: 'Conflicts' }).click();
    await waitForText(
      page.getByTestId('conflicts-table').locator('tbody tr'),
      /mesa 24\.0\.1-1 24\.1\.0-1 \(extra\) on beta/,
    );
    await page.getByRole('tab', { name: 'Excluded' }).click();
    await screenshot(page, 'repositories');
    await expectAccessible(page, 'repositories');
  });

  it('previews which target packages an exclusion pattern leaves out, and saves the policy', async () => {
    await openScreen(page, 'Pools', 'Pools');
    await waitForText(
      page.getByTestId('pool-table').locator('tbody tr'),
      /lab Workstations in the lab 3 set off/,
    );
    await screenshot(page, 'pools');
    await expectAccessible(page, 'pools');
    await page.getByRole('link', { name: 'lab' }).click();
    await waitForText(page.getByTestId('pool-target'), /6 packages from alpha/);
    const exclusions = page.getByLabel(/Excluded packages/);
    await exclusions.fill('[abc');
    await waitForText(page.getByTestId('exclusion-preview'), /\[abc: unclosed/);
    expect(await page.getByRole('button', { name: 'Save policy' }).isDisabled()).toBe(true);
    await exclusions.fill('linux*');
    await waitForText(
      page.getByTestId('exclusion-preview'),
      /2 of the target's 6 packages are excluded: linux linux-firmware/,
    );
    await page.getByRole('button', { name: 'Save policy' }).click();
    await waitForText(page.getByRole('status').filter({ hasText: 'policy' }), /Sync policy saved/);
    await screenshot(page, 'pool-detail');
    await expectAccessible(page, 'pool detail');
  });

  it('creates a CI token, shows it once with a working curl example', async () => {
    await openScreen(page, 'API tokens', 'API tokens');
    await page.getByLabel('Name').fill('ci-pipeline');
    await page.getByRole('button', { name: 'Create token' }).click();
    // Either the secret or a refusal: a refusal fails here with its own words instead of a timeout.
    await page.getByTestId('secret-value').or(page.getByRole('alert')).first().waitFor();
    expect(await page.getByRole('alert').allInnerTexts()).toEqual([]);
    const secret = await page.getByTestId('secret-value').inputValue();
    expect(secret.length).toBeGreaterThan(20);
    const curl = await page.getByTestId('curl-example').inputValue();
    expect(curl).toContain(`Authorization: Bearer ${secret}`);
    expect(curl).toContain(`${server.baseUrl}/api/endpoints/<ENDPOINT_ID>/set-latest`);
    expect(await api.setLatest(endpoints.beta, secret)).toBe(200);
    await waitForText(page.getByTestId('token-table').locator('tbody tr').first(), /ci-pipeline ci/);
    await screenshot(page, 'tokens');
    await expectAccessible(page, 'tokens');

    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('token-secret').waitFor({ state: 'detached' });
  });

  it('creates a viewer account and lists operations and the audit log', async () => {
    await openScreen(page, 'Users', 'Users');
    await page.getByLabel('Username').fill(VIEWER.username);
    await page.getByLabel('Password').fill(VIEWER.password);
    await page.getByLabel('Role').selectOption('viewer');
    await page.getByRole('button', { name: 'Create user' }).click();
    await waitForText(
      page.getByTestId('user-table').locator('tbody tr', { hasText: VIEWER.username }),
      /vera viewer never active/,
    );
    await screenshot(page, 'users');
    await expectAccessible(page, 'users');

    await openScreen(page, 'Operations', 'Operations');
    await waitForText(
      page.getByTestId('operation-table').locator('tbody tr', { hasText: 'gamma' }).first(),
      /sync gamma Completed/,
    );
    await screenshot(page, 'operations');
    await expectAccessible(page, 'operations');

    await openScreen(page, 'Audit log', 'Audit log');
    await waitForText(
      page.getByTestId('audit-table').locator('tbody tr', { hasText: 'createPool' }).first(),
      /admin admin createPool/,
    );
    await screenshot(page, 'audit');
    await expectAccessible(page, 'audit');

    await openScreen(page, 'Dashboard', 'Dashboard');
    await waitForText(page.getByTestId('count-in_sync'), '3');
    await screenshot(page, 'dashboard');
    await expectAccessible(page, 'dashboard');
  });

  it('lets a viewer see everything and change nothing', async () => {
    // What this step reads is arranged here, so it stands even when the token or user step before it fails.
    await api.ensureUser(VIEWER.username, VIEWER.password, 'viewer');
    expect(await api.setLatest(endpoints.beta)).toBe(200);
    const viewer = await browser.context.newPage();
    try {
      await viewer.goto(`${server.baseUrl}/pools`);
      await viewer.getByLabel('Username').fill(VIEWER.username);
      await viewer.getByLabel('Password').fill(VIEWER.password);
      await viewer.getByRole('button', { name: 'Sign in' }).click();
      await viewer.getByRole('heading', { name: 'Pools', exact: true, level: 1 }).waitFor();
      await waitForText(viewer.getByTestId('current-role'), 'viewer');
      expect(await viewer.getByRole('button', { name: 'Create pool' }).count()).toBe(0);
      expect(await viewer.getByRole('link', { name: 'API tokens' }).count()).toBe(0);
      expect(await viewer.getByRole('link', { name: 'Users' }).count()).toBe(0);

      await viewer.getByRole('link', { name: 'lab' }).click();
      await waitForText(viewer.getByTestId('pool-target'), /6 packages from beta/);
      expect(await viewer.getByRole('checkbox', { name: /Auto sync/ }).isDisabled()).toBe(true);
      expect(await viewer.getByRole('button', { name: 'Save policy' }).count()).toBe(0);
      expect(await viewer.getByRole('button', { name: 'Delete pool' }).count()).toBe(0);

      await viewer.getByTestId('pool-members').getByRole('link', { name: 'gamma' }).click();
      await waitForText(viewer.getByTestId('endpoint-status'), 'In sync');
      for (const action of ['Sync', 'Set as latest', 'Revert']) {
        expect(await viewer.getByRole('button', { name: action, exact: true }).count()).toBe(0);
      }
      await viewer.goto(`${server.baseUrl}/tokens`);
      await viewer.getByRole('heading', { name: 'Dashboard' }).waitFor();
      await screenshot(viewer, 'viewer-dashboard');
    } finally {
      await viewer.close();
    }
  });

  it('falls back to polling when the event socket is refused, and still shows changes', async () => {
    await api.ensureUser(VIEWER.username, VIEWER.password, 'viewer');
    const polling = await browser.context.newPage();
    try {
      // The socket is closed as soon as it opens, as a proxy without WebSocket support would do.
      await polling.routeWebSocket(/\/api\/events/, (ws) => ws.close());
      await polling.goto(`${server.baseUrl}/login`);
      await polling.getByLabel('Username').fill(VIEWER.username);
      await polling.getByLabel('Password').fill(VIEWER.password);
      await polling.getByRole('button', { name: 'Sign in' }).click();
      await waitForText(polling.getByTestId('count-behind'), '0');
      await waitForText(polling.locator('.connection'), 'Polling');
      await api.reportState(endpoints.beta, withVersion('vim', '9.0-1'));
      // The console polls every 15 s while the socket is down.
      await waitForText(polling.getByTestId('count-behind'), '1', 25000);
    } finally {
      await polling.close();
    }
  }, 40000);
});
