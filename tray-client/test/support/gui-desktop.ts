// The desktop a GUI test runs on, as test/run-tray-tests.js set it up: X11 (`xvfb-run -a
// dbus-run-session`) or Wayland (a headless sway, test/support/sway-session.js). It says how to start
// the desktop's clients (as the desktop user: sway's session runs as pacsync-desktop when the tests run as
// root), which tray host to use (on X11 the test's own watcher, on sway a real Waybar), and how to take
// a screenshot of a window from the compositor.
import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { decodePng, RgbaImage } from './png';
import { StatusNotifierHost, TrayItem } from './status-notifier-host';
import { Waybar } from './waybar';

const run = promisify(execFile);

export type DesktopKind = 'x11' | 'sway';

/** Whatever shows the tray's item to the test: a StatusNotifier host on the session bus. */
export interface TrayPanel {
  /** The next item to register, or one already registered. */
  waitForItem(timeoutMs?: number): Promise<TrayItem>;
  close(): Promise<void>;
}

/** A window as the compositor placed it, in output pixels. */
export interface WindowRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class TestDesktop {
  private constructor(
    readonly kind: DesktopKind,
    /** uid and gid the desktop's clients run as; null when that is the test's own user. */
    readonly user: { uid: number; gid: number } | null,
  ) {}

  /** The desktop this test process runs in; fails with the command to use when there is none. */
  static current(): TestDesktop {
    const kind = (process.env.PACMAN_SYNC_TEST_DESKTOP ?? 'x11') as DesktopKind;
    const needed =
      kind === 'sway'
        ? ['WAYLAND_DISPLAY', 'SWAYSOCK', 'DBUS_SESSION_BUS_ADDRESS']
        : ['DISPLAY', 'DBUS_SESSION_BUS_ADDRESS'];
    const missing = needed.filter((name) => !process.env[name]);
    if (missing.length) {
      throw new Error(
        `the tray tests need a ${kind === 'sway' ? 'Wayland' : 'X11'} display and a private session bus ` +
          `(${missing.join(', ')} not set): run them with \`npm run test:tray -w tray-client\`, which starts ` +
          'Xvfb and a headless sway (test/run-tray-tests.js)',
      );
    }
    const user = process.env.PACMAN_SYNC_TEST_DESKTOP_USER;
    const [uid, gid] = user ? user.split(':').map(Number) : [];
    return new TestDesktop(kind, user ? { uid, gid } : null);
  }

  /** argv that runs `argv` as the desktop user. */
  asDesktopUser(argv: readonly string[]): string[] {
    if (!this.user) return [...argv];
    const { uid, gid } = this.user;
    return ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', ...argv];
  }

  /** The environment of a desktop client: this process's, with the desktop user's home. */
  clientEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const home = process.env.PACMAN_SYNC_TEST_DESKTOP_HOME;
    return { ...process.env, ...(home ? { HOME: home } : {}), ...extra };
  }

  /**
   * A fresh directory the desktop's clients may write to (and the test too), inside the directory the
   * session's wrapper removes when the run ends.
   */
  scratchDir(prefix: string): string {
    const root = process.env.PACMAN_SYNC_TEST_DESKTOP_SCRATCH ?? tmpdir();
    const dir = mkdtempSync(join(root, `${prefix}-`));
    if (this.user) chownSync(dir, this.user.uid, this.user.gid);
    return dir;
  }

  /** A display setting no GTK can open here, and the name GTK's error gives it. */
  unopenableDisplay(): { env: NodeJS.ProcessEnv; name: string } {
    if (this.kind === 'sway') {
      const name = join(tmpdir(), 'no-compositor-here', 'wayland-4711');
      return { env: { WAYLAND_DISPLAY: name, DISPLAY: undefined }, name };
    }
    return { env: { DISPLAY: ':4711' }, name: ':4711' };
  }

  /** X11: the test's own watcher; sway: a real Waybar whose tray module is the host. */
  async startPanel(): Promise<TrayPanel> {
    if (this.kind === 'x11') return StatusNotifierHost.start();
    return Waybar.start(this, { modules: ['tray'] });
  }

  /** The windows sway manages, as `title (visible|hidden)`, to say what it showed when a test fails. */
  async windows(): Promise<string[]> {
    const titles: string[] = [];
    findNode(await this.swayTree(), (node) => {
      if (node.type === 'con' || node.type === 'floating_con') {
        titles.push(`${JSON.stringify(node.name)} (${node.visible ? 'visible' : 'hidden'})`);
      }
      return false;
    });
    return titles;
  }

  /** sway's idea of where a window's contents are (its title bar and borders excluded). */
  async windowRect(title: string): Promise<WindowRect | null> {
    const found = findNode(await this.swayTree(), (node) => node.name === title && node.visible === true);
    if (!found) return null;
    const { rect, window_rect: content } = found;
    return { x: rect.x + content.x, y: rect.y + content.y, width: content.width, height: content.height };
  }

  private async swayTree(): Promise<SwayNode> {
    const { stdout } = await run('swaymsg', ['-t', 'get_tree', '--raw'], { maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(stdout) as SwayNode;
  }

  /** What the compositor shows in a rectangle of the output, taken with grim (sway only). */
  async screenshot(rect: WindowRect | null, name: string): Promise<{ image: RgbaImage; file: string }> {
    if (this.kind !== 'sway') throw new Error('grim screenshots need the sway session');
    const file = join(this.scratchDir('pacman-sync-grim'), `${name}.png`);
    const geometry = rect ? ['-g', `${rect.x},${rect.y} ${rect.width}x${rect.height}`] : [];
    const [command, ...args] = this.asDesktopUser(['grim', ...geometry, file]);
    await run(command, args, { env: this.clientEnv() });
    return { image: decodePng(readFileSync(file)), file };
  }
}

interface SwayNode {
  type: string;
  name: string | null;
  visible?: boolean;
  rect: WindowRect;
  window_rect: WindowRect;
  nodes?: SwayNode[];
  floating_nodes?: SwayNode[];
}

function findNode(node: SwayNode, match: (node: SwayNode) => boolean): SwayNode | null {
  if (match(node)) return node;
  for (const child of [...(node.nodes ?? []), ...(node.floating_nodes ?? [])]) {
    const found = findNode(child, match);
    if (found) return found;
  }
  return null;
}
