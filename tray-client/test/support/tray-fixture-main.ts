// The tray as a child process for the e2e test and the memory benchmark: GTK's main loop and Jest do
// not share a process well. Runs the real runTray() with the HTTP backend double and takes a few
// commands on stdin (one JSON object a line) that only a test needs: render a window to PNG, answer the
// confirmation dialog as a user's click would, drive status refreshes, report memory. Replies go to
// stdout as `FIXTURE {json}` lines.
// Run: node -r ./bench/register.js test/support/tray-fixture-main.ts (env: see readEnvironment()).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';

import {
  GtkContainer,
  GtkLabel,
  GtkMessageDialog,
  GtkWidget,
  GtkWindow,
  loadCairo,
  loadGtk,
  runInGLibMainLoop,
} from '../../src/tray/gi';
import { TrayState } from '../../src/tray/tray-backend';
import { runTray } from '../../src/tray/tray-app';
import { HttpTrayBackendDouble } from './http-tray-backend';

type Command =
  | { cmd: 'screenshot'; title: string; path: string }
  | { cmd: 'dialog'; title: string; accept: boolean }
  | { cmd: 'windows' }
  | { cmd: 'texts'; title: string }
  | { cmd: 'present-from-tick'; title: string }
  | { cmd: 'refresh'; count: number }
  | { cmd: 'memory' }
  | { cmd: 'quit' };

function reply(event: string, data: Record<string, unknown> = {}): void {
  process.stdout.write(`FIXTURE ${JSON.stringify({ event, ...data })}\n`);
}

function readEnvironment() {
  return {
    server: process.env.TRAY_FIXTURE_SERVER ?? null,
    endpointId: process.env.TRAY_FIXTURE_ENDPOINT ?? 'endpoint-under-test',
    configPath: process.env.TRAY_FIXTURE_CONFIG ?? '/nonexistent/client.conf',
    pollMs: Number(process.env.TRAY_FIXTURE_POLL_MS ?? '100'),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function visibleToplevel(title: string): GtkWindow | undefined {
  const { Gtk } = loadGtk();
  return Gtk.Window.listToplevels().find((window) => window.getTitle() === title && window.isVisible());
}

/**
 * Generous, for a loaded 2-core machine, yet below TrayProcess.request's 20 s, so that the test sees the
 * fixture's own error rather than a bare timeout.
 */
const DEADLINE_MS = 15000;

async function waitForWindow(title: string): Promise<GtkWindow> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const window = visibleToplevel(title);
    if (window) return window;
    if (Date.now() > deadline) throw new Error(`no visible window titled ${JSON.stringify(title)}`);
    await sleep(50);
  }
}

/**
 * Renders a window's widget tree into an offscreen image and writes it as PNG. Reading the window back
 * from the X server raced GTK's painting (Xvfb handed back black pixels), so the widgets draw themselves
 * onto a cairo image surface instead. Preferably inside the 'after-paint' of a frame this function asks
 * for: that frame's layout has just allocated every widget (including rows added since the last frame).
 * Under Xvfb GTK sometimes holds the window's frame clock and no frame comes (seen once in a clean CI
 * run), so the request is repeated, and after FRAME_WAIT_MS the window is laid out directly
 * (checkResize) and drawn once it is mapped. Either way the test then checks the picture's pixels, not just that a file exists.
 */
const FRAME_WAIT_MS = 3000;

function renderToPng(window: GtkWindow, path: string): Promise<{ width: number; height: number }> {
  const clock = window.getFrameClock();
  if (!clock) throw new Error('the window is not realized');
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let settled = false;
    let lastProblem = 'no frame was painted';
    const finish = (outcome: () => { width: number; height: number }): boolean => {
      try {
        const size = outcome();
        settled = true;
        clearInterval(retry);
        resolve(size);
        return true;
      } catch (error) {
        lastProblem = (error as Error).message;
        return false;
      }
    };
    clock.once('after-paint', () => {
      if (!settled) finish(() => drawWidgetToPng(window, path));
    });
    const retry = setInterval(() => {
      if (settled) return;
      if (Date.now() - started > DEADLINE_MS) {
        settled = true;
        clearInterval(retry);
        reject(new Error(`GTK could not render the window within ${DEADLINE_MS} ms: ${lastProblem}`));
      } else if (Date.now() - started > FRAME_WAIT_MS) {
        // No frame came: lay the window out here (GTK draws nothing for a widget awaiting allocation).
        finish(() => {
          window.checkResize();
          return drawWidgetToPng(window, path);
        });
      } else {
        window.queueDraw();
      }
    }, 100);
    window.queueDraw();
  });
}

function drawWidgetToPng(widget: GtkWidget, path: string): { width: number; height: number } {
  const width = widget.getAllocatedWidth();
  const height = widget.getAllocatedHeight();
  if (!widget.getMapped() || width <= 1 || height <= 1) {
    throw new Error(`the window is not laid out (mapped: ${widget.getMapped()}, ${width}x${height})`);
  }
  const cairo = loadCairo();
  const surface = new cairo.ImageSurface(cairo.Format.ARGB32, width, height);
  widget.draw(new cairo.Context(surface));
  surface.flush();
  mkdirSync(dirname(path), { recursive: true });
  const status = surface.writeToPng(path);
  if (status !== 0) throw new Error(`cairo could not write ${path} (cairo_status_t ${status})`);
  return { width, height };
}

const REFRESH_STATES: TrayState[] = ['in_sync', 'behind', 'syncing', 'ahead', 'diverged', 'offline', 'error'];

async function handle(command: Command, backend: HttpTrayBackendDouble, quit: () => void): Promise<void> {
  switch (command.cmd) {
    case 'screenshot': {
      const window = await waitForWindow(command.title);
      const size = await renderToPng(window, command.path);
      return reply('screenshot', { path: command.path, ...size });
    }
    case 'dialog': {
      const dialog = (await waitForWindow(command.title)) as GtkMessageDialog;
      const { Gtk } = loadGtk();
      dialog.response(command.accept ? Gtk.ResponseType.ACCEPT : Gtk.ResponseType.REJECT);
      return reply('dialog', { answered: command.accept });
    }
    case 'texts': {
      const window = await waitForWindow(command.title);
      return reply('texts', { texts: labelTexts(window) });
    }
    case 'present-from-tick': {
      const window = await waitForWindow(command.title);
      await presentFromTick(window);
      return reply('presented');
    }
    case 'windows': {
      const { Gtk } = loadGtk();
      const titles = Gtk.Window.listToplevels()
        .filter((window) => window.isVisible())
        .map((window) => window.getTitle());
      return reply('windows', { titles });
    }
    case 'refresh': {
      let state: TrayState = 'unknown';
      for (let i = 0; i < command.count; i++) {
        state = REFRESH_STATES[i % REFRESH_STATES.length];
        backend.emit({ state, summary: `refresh ${i}: ${i % 97} packages differ`, canRevert: i % 2 === 0 });
        // Yield to the GLib loop so each change is drawn and sent over D-Bus, as real events would be.
        await sleep(0);
      }
      return reply('refreshed', { count: command.count, state, ...memory() });
    }
    case 'memory':
      return reply('memory', memory());
    case 'quit':
      return quit();
  }
}

interface GLibModule {
  PRIORITY_DEFAULT: number;
  idleAdd(priority: number, callback: () => boolean): number;
}

/**
 * Presents a window from a process.nextTick queued by a GLib callback. node-gtk runs such ticks in its
 * loop source's prepare callback, i.e. between the prepare callbacks of GLib's sources: the very spot
 * where, with GDK's Wayland source prepared first, gtk_window_present waited for ever (docs/tray.md).
 */
function presentFromTick(window: GtkWindow): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const GLib = (require('node-gtk') as { require(ns: 'GLib', version: '2.0'): GLibModule }).require(
    'GLib',
    '2.0',
  );
  return new Promise((resolve) => {
    GLib.idleAdd(GLib.PRIORITY_DEFAULT, () => {
      process.nextTick(() => {
        window.present();
        resolve();
      });
      return false;
    });
  });
}

/** Every label's text in a widget tree, in layout order: what a user can read in the window. */
function labelTexts(widget: GtkWidget): string[] {
  if ('getText' in widget) return [(widget as GtkLabel).getText()];
  if (!('getChildren' in widget)) return [];
  const children = (widget as GtkContainer).getChildren();
  // GtkGrid lists its children last-attached first.
  return ('attach' in widget ? children.reverse() : children).flatMap(labelTexts);
}

function memory(): { rss: number; heapUsed: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heapUsed: usage.heapUsed };
}

async function main(): Promise<number> {
  const environment = readEnvironment();
  const backend = new HttpTrayBackendDouble(
    environment.server ?? 'http://127.0.0.1:9',
    environment.endpointId,
    environment.configPath,
  );
  if (environment.server && environment.pollMs > 0) await backend.start(environment.pollMs);
  let quit = () => undefined as void;
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    let command: Command;
    try {
      command = JSON.parse(line) as Command;
    } catch {
      return reply('error', { message: `not JSON: ${line}` });
    }
    handle(command, backend, quit).catch((error: Error) => reply('error', { message: error.message }));
  });
  try {
    return await runTray(backend, { notifications: true }, (handle) => {
      quit = handle.quit;
      reply('started', memory());
    });
  } finally {
    backend.stop();
    lines.close();
  }
}

// The program's top level, as bin/pacman-sync.js runs the real tray: inside a GLib main loop.
const outcome = runInGLibMainLoop(main);
if (!outcome) {
  process.stderr.write('node-gtk cannot be loaded\n');
  process.exit(1);
} else if (!outcome.ok) {
  process.stderr.write(`${(outcome.error as Error).stack}\n`);
  process.exit(1);
} else {
  reply('exit', { code: outcome.value });
  process.exit(outcome.value);
}
