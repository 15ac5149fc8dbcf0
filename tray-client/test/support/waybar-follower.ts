// `pacman-sync waybar --follow` as a process of its own, as Waybar's custom module runs it, for the
// tests that take its reader or its parent away. It runs src/main.ts's run() (what bin/pacman-sync.js
// calls) through the benchmarks' TypeScript loader, so it is always the code in the tree.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CLIENT_ROOT = join(__dirname, '..', '..');
const REGISTER = join(CLIENT_ROOT, 'bench', 'register.js');
const MAIN = join(CLIENT_ROOT, 'src', 'main.ts');

/** argv of `pacman-sync waybar --follow --config <config>`. */
export function followerArgv(config: string): string[] {
  return [
    process.execPath,
    '-r',
    REGISTER,
    '-e',
    `require(${JSON.stringify(MAIN)}).run(process.argv.slice(1))`,
    'waybar',
    '--follow',
    '--config',
    config,
  ];
}

/** A client's config and status cache, for a follower whose XDG directories are under `home`. */
export function followerHome(home: string): { env: Record<string, string>; config: string } {
  const config = join(home, 'config', 'pacman-sync', 'client.conf');
  mkdirSync(join(home, 'config', 'pacman-sync'), { recursive: true });
  writeFileSync(config, '[server]\nurl = http://127.0.0.1:9\n\n[ui]\nupdate_interval = 60\n');
  const state = join(home, 'state', 'pacman-sync');
  mkdirSync(state, { recursive: true, mode: 0o700 });
  writeFileSync(
    join(state, 'last-status.json'),
    JSON.stringify({
      endpoint_id: '0b7c9d2e-4a1f-4c3b-9e8d-1a2b3c4d5e6f',
      sync_status: 'behind',
      checked_at: new Date().toISOString(),
      summary: 'behind the pool target: 3 to upgrade',
    }),
  );
  return {
    env: { HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_STATE_HOME: join(home, 'state') },
    config,
  };
}

/** Pids of running processes whose command line holds `marker` (a follower's unique config path). */
export function processesWith(marker: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return (
          readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(marker) && !gone(Number(pid))
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** A process is gone when /proc no longer has it or it is a zombie (exited, not yet reaped). */
export function gone(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return true;
  try {
    const fields = readFileSync(stat, 'utf8');
    return fields.slice(fields.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** The parent of a running process. */
export function parentOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(fields.slice(fields.lastIndexOf(')') + 2).split(' ')[1]);
}
