// Whether the tray can run here: a display GTK can open, and a StatusNotifier host on the session bus
// to show the indicator. Without them the tray would start and show nothing, so it stops with a clear
// message (exit code TRAY_UNAVAILABLE_EXIT_CODE) or, with --headless, the caller runs the daemon instead.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import * as dbus from 'dbus-next';

import { loadGtk } from './gi';

export const STATUS_NOTIFIER_WATCHER = 'org.kde.StatusNotifierWatcher';

/** Exit code of `pacman-sync tray` when there is no display or no tray host (docs/tray.md). */
export const TRAY_UNAVAILABLE_EXIT_CODE = 5;

export type TrayEnvironment = { ok: true } | { ok: false; reason: string };

export type Environment = Readonly<Record<string, string | undefined>>;

const BUS_TIMEOUT_MS = 3000;

/**
 * Checks, in order: a display variable, GTK (node-gtk is optional: servers install without it) opening
 * that display, and an owner of org.kde.StatusNotifierWatcher on the session bus. Opening the display
 * initialises GTK in this process, which runTray needs anyway.
 */
export async function detectTrayEnvironment(env: Environment = process.env): Promise<TrayEnvironment> {
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'no graphical display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  }
  let gtk: ReturnType<typeof loadGtk>;
  try {
    gtk = loadGtk();
  } catch (error) {
    return { ok: false, reason: `GTK is not available: ${(error as Error).message}` };
  }
  const [opened] = gtk.Gtk.initCheck([]);
  if (!opened) {
    return { ok: false, reason: `GTK cannot open the display ${env.WAYLAND_DISPLAY || env.DISPLAY}` };
  }
  const address = sessionBusAddress(env);
  if (!address) {
    return { ok: false, reason: 'no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)' };
  }
  try {
    if (!(await nameHasOwner(address, STATUS_NOTIFIER_WATCHER))) {
      return {
        ok: false,
        reason:
          `no system tray: nothing owns ${STATUS_NOTIFIER_WATCHER} on the session bus ` +
          '(GNOME needs the AppIndicator extension; use --headless to run without a tray)',
      };
    }
  } catch (error) {
    return {
      ok: false,
      reason: `cannot query the D-Bus session bus at ${address}: ${(error as Error).message}`,
    };
  }
  return { ok: true };
}

/** The variable, else the systemd user bus socket, as libdbus and GDBus fall back to. */
export function sessionBusAddress(env: Environment): string | null {
  if (env.DBUS_SESSION_BUS_ADDRESS) return env.DBUS_SESSION_BUS_ADDRESS;
  const socket = env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'bus') : null;
  return socket && existsSync(socket) ? `unix:path=${socket}` : null;
}

async function nameHasOwner(busAddress: string, name: string): Promise<boolean> {
  const bus = dbus.sessionBus({ busAddress });
  try {
    const failed = new Promise<never>((_, reject) => {
      bus.on('error', reject);
      setTimeout(() => reject(new Error(`no answer within ${BUS_TIMEOUT_MS} ms`)), BUS_TIMEOUT_MS).unref();
    });
    const reply = await Promise.race([
      bus.call(
        new dbus.Message({
          destination: 'org.freedesktop.DBus',
          path: '/org/freedesktop/DBus',
          interface: 'org.freedesktop.DBus',
          member: 'NameHasOwner',
          signature: 's',
          body: [name],
        }),
      ),
      failed,
    ]);
    return reply?.body[0] === true;
  } finally {
    bus.disconnect();
  }
}
