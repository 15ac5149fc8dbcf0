// Starts test/support/tray-fixture-main.ts as a child process and speaks its small stdin/stdout
// protocol (commands as JSON lines in, `FIXTURE {json}` lines out).
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

import type { TestDesktop } from './gui-desktop';

const CLIENT_ROOT = join(__dirname, '..', '..');
const FIXTURE = join(__dirname, 'tray-fixture-main.ts');
// The benchmarks' loader: compiles TypeScript with @swc/core on require, as Jest does for tests.
const REGISTER = join(CLIENT_ROOT, 'bench', 'register.js');

export interface FixtureEvent {
  event: string;
  [key: string]: unknown;
}

export class TrayProcess {
  readonly events: FixtureEvent[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly waiters: Array<{
    match: (event: FixtureEvent) => boolean;
    resolve: (e: FixtureEvent) => void;
  }> = [];

  private constructor(private readonly child: ChildProcess) {
    let buffered = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.startsWith('FIXTURE '))
          this.accept(JSON.parse(line.slice('FIXTURE '.length)) as FixtureEvent);
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  /**
   * `wrapper` runs the child under another command (e.g. `dbus-run-session --` for a bus without a
   * tray host); `nodeOptions` adds flags such as --expose-gc; `desktop` starts it as the desktop's user.
   */
  static start(
    env: NodeJS.ProcessEnv,
    options: { wrapper?: string[]; nodeOptions?: string[]; desktop?: TestDesktop } = {},
  ): TrayProcess {
    const node = [process.execPath, ...(options.nodeOptions ?? []), '-r', REGISTER, FIXTURE];
    const argv = [...(options.wrapper ?? []), ...node];
    const [command, ...args] = options.desktop ? options.desktop.asDesktopUser(argv) : argv;
    const child = spawn(command, args, {
      cwd: CLIENT_ROOT,
      // NO_AT_BRIDGE: GTK would otherwise start the accessibility bus in every test session.
      env: { NO_AT_BRIDGE: '1', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new TrayProcess(child);
  }

  send(command: Record<string, unknown>): void {
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  /** The first event (already received or still to come) that matches; an `error` event rejects. */
  waitFor(event: string, timeoutMs = 20000): Promise<FixtureEvent> {
    const seen = this.events.find((candidate) => candidate.event === event || candidate.event === 'error');
    if (seen) return this.settle(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`tray fixture sent no "${event}" within ${timeoutMs} ms; stderr:\n${this.stderr}`));
      }, timeoutMs);
      this.waiters.push({
        match: (candidate) => candidate.event === event || candidate.event === 'error',
        resolve: (candidate) => {
          clearTimeout(timer);
          this.settle(candidate).then(resolve, reject);
        },
      });
    });
  }

  /** Sends a command and waits for its answer, consuming it so the same command can be sent again. */
  async request(command: Record<string, unknown>, answer: string, timeoutMs = 20000): Promise<FixtureEvent> {
    this.send(command);
    const event = await this.waitFor(answer, timeoutMs);
    this.events.splice(this.events.indexOf(event), 1);
    return event;
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }

  /** Kills a tray that did not end by itself, so that a failed test leaves no process behind. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private accept(event: FixtureEvent): void {
    this.events.push(event);
    const index = this.waiters.findIndex((waiter) => waiter.match(event));
    if (index >= 0) this.waiters.splice(index, 1)[0].resolve(event);
  }

  private settle(event: FixtureEvent): Promise<FixtureEvent> {
    if (event.event !== 'error') return Promise.resolve(event);
    this.events.splice(this.events.indexOf(event), 1);
    return Promise.reject(new Error(`tray fixture: ${String(event.message)}`));
  }
}
