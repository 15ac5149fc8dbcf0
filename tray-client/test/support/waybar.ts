// A real Waybar on the test's sway desktop. Its `tray` module is a StatusNotifier host (it owns
// org.kde.StatusNotifierWatcher, as on a user's desktop), so the tray registers with Waybar, and the
// test reads the registered items from Waybar's watcher and drives an item over D-Bus as Waybar does.
import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import * as dbus from 'dbus-next';

import type { TestDesktop, TrayPanel } from './gui-desktop';
import { nameHasOwner, TrayItem } from './status-notifier-host';

const WATCHER_NAME = 'org.kde.StatusNotifierWatcher';
const WATCHER_PATH = '/StatusNotifierWatcher';
const START_TIMEOUT_MS = 15000;

export interface WaybarOptions {
  /** modules-right, in order, e.g. ['custom/pacman-sync', 'tray']. */
  modules: string[];
  /** Per-module settings, keyed by module name, as in a user's config. */
  settings?: Record<string, unknown>;
  style?: string;
  /** Added to Waybar's environment (its modules' commands inherit it). */
  env?: NodeJS.ProcessEnv;
}

export class Waybar implements TrayPanel {
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly bus: dbus.MessageBus,
  ) {
    const keep = (chunk: string) => (this.output = (this.output + chunk).slice(-20000));
    child.stdout!.setEncoding('utf8').on('data', keep);
    child.stderr!.setEncoding('utf8').on('data', keep);
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Starts Waybar as the desktop user and waits until its bar (and tray host, if asked for) is up. */
  static async start(desktop: TestDesktop, options: WaybarOptions): Promise<Waybar> {
    const dir = desktop.scratchDir('pacman-sync-waybar');
    const config = join(dir, 'config.json');
    const style = join(dir, 'style.css');
    writeFileSync(
      config,
      JSON.stringify({
        layer: 'top',
        position: 'top',
        height: 30,
        'modules-left': [],
        'modules-center': [],
        'modules-right': options.modules,
        ...options.settings,
      }),
    );
    writeFileSync(style, options.style ?? '* { font-family: sans-serif; font-size: 13px; }\n');
    for (const file of [config, style]) chmodSync(file, 0o644);
    const [command, ...args] = desktop.asDesktopUser(['waybar', '-c', config, '-s', style]);
    const child = spawn(command, args, {
      env: desktop.clientEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const waybar = new Waybar(child, dbus.sessionBus());
    try {
      await waybar.until('its bar on the output', () => waybar.output.includes('Bar configured'));
      if (options.modules.includes('tray')) {
        await waybar.until(`its tray to own ${WATCHER_NAME}`, () => nameHasOwner(waybar.bus, WATCHER_NAME));
      }
    } catch (error) {
      await waybar.close();
      throw error;
    }
    return waybar;
  }

  /** The first item registered with Waybar's watcher whose owner is still on the bus. */
  async waitForItem(timeoutMs = START_TIMEOUT_MS): Promise<TrayItem> {
    return this.until(
      'a StatusNotifierItem registered with Waybar',
      async () => {
        for (const id of await this.registeredItems()) {
          const slash = id.indexOf('/');
          const busName = id.slice(0, slash);
          if (await nameHasOwner(this.bus, busName)) return new TrayItem(this.bus, busName, id.slice(slash));
        }
        return null;
      },
      timeoutMs,
    );
  }

  /** What Waybar's watcher lists, as any panel or tool would read it. */
  async registeredItems(): Promise<string[]> {
    const watcher = await this.bus.getProxyObject(WATCHER_NAME, WATCHER_PATH);
    const properties = watcher.getInterface('org.freedesktop.DBus.Properties');
    const value = (await properties.Get(WATCHER_NAME, 'RegisteredStatusNotifierItems')) as dbus.Variant<
      string[]
    >;
    return value.value;
  }

  /** Ends Waybar with a signal (SIGTERM: what `killall waybar` in a sway config does) and waits for it. */
  async stop(signal: NodeJS.Signals = 'SIGTERM') {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  async close(): Promise<void> {
    await this.stop();
    this.bus.disconnect();
  }

  private async until<T>(
    what: string,
    probe: () => T | null | false | Promise<T | null | false>,
    timeoutMs = START_TIMEOUT_MS,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`Waybar exited while waiting for ${what}:\n${this.output}`);
      }
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; Waybar said:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
