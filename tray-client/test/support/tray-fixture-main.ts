// The tray as a child process for the e2e test and the memory benchmark: GTK's main loop and Jest do
// not share a process well. Runs the real runTray() with the HTTP backend double and takes a few
// commands on stdin (one JSON object a line) that only a test needs: screenshot a window, answer the
// confirmation dialog as a user's click would, drive status refreshes, report memory. Replies go to
// stdout as `FIXTURE {json}` lines.
// Run: node -r ./bench/register.js test/support/tray-fixture-main.ts (env: see readEnvironment()).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';

import { GtkContainer, GtkLabel, GtkMessageDialog, GtkWidget, GtkWindow, loadGtk } from '../../src/tray/gi';
import { TrayState } from '../../src/tray/tray-backend';
import { runTray } from '../../src/tray/tray-app';
import { HttpTrayBackendDouble } from './http-tray-backend';

type Command =
  | { cmd: 'screenshot'; title: string; path: string }
  | { cmd: 'dialog'; title: string; accept: boolean }
  | { cmd: 'windows' }
  | { cmd: 'texts'; title: string }
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

async function waitForWindow(title: string): Promise<GtkWindow> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const window = visibleToplevel(title);
    if (window) return window;
    await sleep(50);
  }
  throw new Error(`no visible window titled ${JSON.stringify(title)}`);
}

const REFRESH_STATES: TrayState[] = ['in_sync', 'behind', 'syncing', 'ahead', 'diverged', 'offline', 'error'];

async function handle(command: Command, backend: HttpTrayBackendDouble, quit: () => void): Promise<void> {
  switch (command.cmd) {
    case 'screenshot': {
      const window = await waitForWindow(command.title);
      // Let GTK lay out and paint the rows that arrived with the window.
      await sleep(500);
      const { Gdk } = loadGtk();
      const gdkWindow = window.getWindow();
      if (!gdkWindow) throw new Error('the window is not realized');
      const pixbuf = Gdk.pixbufGetFromWindow(
        gdkWindow,
        0,
        0,
        window.getAllocatedWidth(),
        window.getAllocatedHeight(),
      );
      if (!pixbuf) throw new Error('GDK returned no pixels for the window');
      mkdirSync(dirname(command.path), { recursive: true });
      pixbuf.savev(command.path, 'png', [], []);
      return reply('screenshot', {
        path: command.path,
        width: window.getAllocatedWidth(),
        height: window.getAllocatedHeight(),
      });
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

main().then(
  (code) => {
    reply('exit', { code });
    process.exit(code);
  },
  (error: Error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  },
);
