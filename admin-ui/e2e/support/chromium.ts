import * as fs from 'node:fs';
import * as path from 'node:path';

import axe from 'axe-core';
import type { Page } from 'playwright-core';

import { WORKSPACE } from './console-server';

export { CHROMIUM, launchChromium, type Chromium } from './launch-chromium';
export const SCREENSHOTS = path.join(WORKSPACE, 'test-output/screenshots');

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
