import type { BrowserContext } from 'playwright-core';

export declare const CHROMIUM: string;

export interface Chromium {
  context: BrowserContext;
  close: () => Promise<void>;
}

export declare function launchChromium(): Promise<Chromium>;
