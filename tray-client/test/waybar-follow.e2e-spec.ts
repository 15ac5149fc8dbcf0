// `pacman-sync waybar --follow` as real processes: it must end when nobody reads it any more (the
// reader exits) and when whatever started it is gone (Waybar kills the module's shell on exit, and the
// follower used to live on, re-parented to init). The same with a real Waybar is in waybar.e2e-spec.ts,
// which runs on the headless sway desktop.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FOLLOW_TICK_MS } from '../src/waybar/waybar';
import { followerArgv, followerHome, gone, parentOf, processesWith } from './support/waybar-follower';

/** Generous for a loaded two-core machine: a few of --follow's ticks. */
const BOUND_MS = FOLLOW_TICK_MS * 5;

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = BOUND_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('pacman-sync waybar --follow as a process', () => {
  let home: string;
  let follower: { env: Record<string, string>; config: string };

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'pacman-sync-follow-'));
    follower = followerHome(home);
  });
  afterEach(() => {
    // A follower that outlived its test (the failure this file is about) must not outlive the run.
    for (const pid of processesWith(follower.config)) process.kill(pid, 'SIGKILL');
    rmSync(home, { recursive: true, force: true });
  });

  it('exits with 0 when its reader exits, although nothing changes', async () => {
    // `head -n 1` reads the first line and exits; the shell waits for both ends of the pipe.
    const shell = spawn(
      'sh',
      ['-c', '{ "$@"; echo "follower exited $?" >&2; } | head -n 1', 'sh', ...followerArgv(follower.config)],
      {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...follower.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    shell.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    shell.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => shell.on('exit', (code) => resolve(code)));
    let done = false;
    void exited.then(() => (done = true));
    try {
      await until('the follower to exit after its reader did', () => done);
    } finally {
      shell.kill('SIGKILL');
    }
    expect(await exited).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ alt: 'behind', text: 'behind' });
    expect(stderr).toContain('follower exited 0');
  });

  it('exits when the process that started it is killed, although its reader is still there', async () => {
    // The shell starts the follower in the background and waits, as Waybar's `sh -c` does; this test
    // keeps reading the follower's output after the shell is killed.
    const shell = spawn('sh', ['-c', '"$@" & echo "$!" >&2; wait', 'sh', ...followerArgv(follower.config)], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...follower.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    shell.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    shell.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const pid = Number(await until('the follower pid', () => /^(\d+)\n/.exec(stderr)?.[1]));
    try {
      await until('the first line', () => stdout.includes('\n'));
      expect(parentOf(pid)).toBe(shell.pid);
      shell.kill('SIGKILL');
      await until('the orphaned follower to exit', () => gone(pid));
      expect(JSON.parse(stdout.split('\n')[0])).toMatchObject({ alt: 'behind' });
    } finally {
      if (!gone(pid)) process.kill(pid, 'SIGKILL');
      shell.kill('SIGKILL');
    }
  });
});
