// The README's Waybar config in a real Waybar on the headless sway desktop (run by
// `npm run test:tray -w tray-client`, sway only): the custom/pacman-sync module runs the real
// `pacman-sync waybar --follow` the way Waybar does (`sh -c`, as the desktop user), and that follower
// must not outlive Waybar. Also checks that the font the README names has every icon the config uses.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import { FOLLOW_TICK_MS } from '../src/waybar/waybar';
import { TestDesktop } from './support/gui-desktop';
import { paintStatistics, RgbaImage } from './support/png';
import { Waybar } from './support/waybar';
import { followerArgv, followerHome, gone, parentOf } from './support/waybar-follower';

const README = join(__dirname, '..', 'README.md');
const SCREENSHOTS = join(__dirname, '..', '..', 'test-output', 'screenshots');
const BOUND_MS = FOLLOW_TICK_MS * 5;
/** test/support/waybar.ts gives every bar this height. */
const BAR_HEIGHT = 30;

/** The README's Waybar config: the jsonc block that starts with `// ~/.config/waybar/config`. */
interface WaybarConfig {
  'modules-right': string[];
  'custom/pacman-sync': Record<string, unknown>;
  [setting: string]: unknown;
}

function readmeWaybarConfig(): WaybarConfig {
  const block = /```jsonc\n\/\/ ~\/\.config\/waybar\/config\n([\s\S]*?)```/.exec(
    readFileSync(README, 'utf8'),
  );
  if (!block) throw new Error('README.md has no Waybar config block');
  const json = block[1]
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n');
  return JSON.parse(json);
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (statSync(path).isDirectory())
    for (const entry of readdirSync(path)) chownTree(join(path, entry), uid, gid);
}

/** Processes whose environment holds `entry` (NAME=value), running or not yet reaped. */
function processesWithEnvironment(entry: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(entry) && !gone(Number(pid));
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The top `rows` rows of an image: Waybar's bar at the top of the output. */
function topRows(image: RgbaImage, rows: number): RgbaImage {
  return { width: image.width, height: rows, pixels: image.pixels.subarray(0, image.width * rows * 4) };
}

async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = BOUND_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the README Waybar config in a real Waybar', () => {
  let desktop: TestDesktop;
  beforeAll(() => (desktop = TestDesktop.current()));

  it('names a font that has every icon of format-icons (Debian: fonts-font-awesome)', () => {
    const icons = Object.values(
      readmeWaybarConfig()['custom/pacman-sync']['format-icons'] as Record<string, string>,
    );
    expect(icons.length).toBeGreaterThanOrEqual(8);
    for (const icon of icons) {
      const codePoint = icon.codePointAt(0)!.toString(16);
      expect(codePoint).toMatch(/^f[0-9a-f]{3}$/);
      const families = execFileSync('fc-list', [`:charset=${codePoint}`, 'family'], { encoding: 'utf8' });
      expect({ codePoint, families: families.split('\n') }).toEqual({
        codePoint,
        families: expect.arrayContaining(['FontAwesome']),
      });
    }
  });

  it('runs `pacman-sync waybar --follow`, which ends when Waybar is killed', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const home = desktop.scratchDir('pacman-sync-waybar-module');
    const client = followerHome(home);
    // `pacman-sync` on Waybar's PATH, as the package installs it; here it runs the code in the tree.
    const bin = join(home, 'bin');
    execFileSync('mkdir', ['-p', bin]);
    const [node, ...args] = followerArgv(client.config).slice(0, -4);
    const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;
    writeFileSync(
      join(bin, 'pacman-sync'),
      `#!/bin/sh\n${Object.entries(client.env)
        .map(([name, value]) => `export ${name}=${quote(value)}`)
        .join('\n')}\nexec ${[node, ...args].map(quote).join(' ')} "$@"\n`,
    );
    chmodSync(join(bin, 'pacman-sync'), 0o755);
    if (desktop.user) chownTree(home, desktop.user.uid, desktop.user.gid);

    const { 'modules-right': modules, ...settings } = readmeWaybarConfig();
    const waybar = await Waybar.start(desktop, {
      modules,
      settings,
      env: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` },
    });
    try {
      const [follower] = await until('Waybar to start the follower', () => {
        const found = processesWithEnvironment(`XDG_STATE_HOME=${client.env.XDG_STATE_HOME}`);
        return found.length > 0 && found;
      });
      // Waybar → `sh -c "pacman-sync waybar --follow"` → the follower (node, exec'd by the script).
      const shell = parentOf(follower);
      expect(parentOf(shell)).toBe(waybar.pid);
      expect(readFileSync(`/proc/${follower}/cmdline`, 'utf8').split('\0')).toEqual(
        expect.arrayContaining(['waybar', '--follow']),
      );
      // Waybar shows the module once it has read the follower's first line (it hides it until then).
      const bar = await until('Waybar to show the module', async () => {
        const shot = await desktop.screenshot(null, 'waybar');
        const shown = topRows(shot.image, BAR_HEIGHT);
        if (paintStatistics(shown).inkShare === 0) return false;
        copyFileSync(shot.file, join(SCREENSHOTS, 'waybar-module.png'));
        return shown;
      });
      expect(paintStatistics(bar).distinctColours).toBeGreaterThan(2);
      expect(gone(follower)).toBe(false);
      expect(waybar.output).not.toMatch(/\[error\]/);

      // What `killall waybar` does (Waybar has no SIGTERM handler: its modules' destructors do not run).
      expect(await waybar.stop('SIGTERM')).toEqual({ code: null, signal: 'SIGTERM' });
      await until('the follower to end after Waybar', () => gone(follower));
    } finally {
      await waybar.close();
      for (const pid of processesWithEnvironment(`XDG_STATE_HOME=${client.env.XDG_STATE_HOME}`)) {
        process.kill(pid, 'SIGKILL');
      }
    }
  });
});
