import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import axe from 'axe-core';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

import { WORKSPACE } from './console-server';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = path.join(WORKSPACE, 'test-output/screenshots');

export interface Chromium {
  context: BrowserContext;
  close: () => Promise<void>;
}

/** Real Debian Chromium with a fresh profile; a missing binary fails the run with the fix, never a skip. */
export async function launchChromium(): Promise<Chromium> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: install it (apt-get install chromium) to run the console e2e`,
    );
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `console-${name}.png`), fullPage: true });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * axe-core evaluated in the page (through the DevTools protocol, which the console's CSP does not govern,
 * unlike an injected <script>); only serious and critical violations are returned.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  return page.evaluate(async () => {
    const runner = (window as unknown as { axe: typeof axe }).axe;
    const result = await runner.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => ({
        id: violation.id,
        impact: violation.impact ?? null,
        help: violation.help,
        targets: violation.nodes.map((node) => node.target.join(' ')),
      }));
  });
}
