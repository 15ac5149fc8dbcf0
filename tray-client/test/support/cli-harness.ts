import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import { CliDependencies } from '../../src/cli/context';
import { main } from '../../src/main';
import { CliResult, DesktopSession } from './desktop-session';
import { TestRoot } from './pacman-fixture';
import { runTrayBackendScenario, TrayBackendScenarioResult } from './tray-backend-scenario';

/** Tests shorten the CLI's retries; the server runs in the same machine. */
const HTTP = { retry: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 20 }, timeoutMs: 20_000 };

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed, for --json runs. */
  json: <T = Record<string, unknown>>() => T;
}

/**
 * One endpoint client as a user runs it: its own XDG directories (config, token, status cache, private
 * sync databases), its client.conf pointing pacman at a throwaway root, and the CLI's main() called with
 * real arguments and captured output — in the test process when the root's client is root, in the desktop
 * user's process (owning the directories) when it is that user. stdin and stdout are not terminals.
 */
export class TestClient {
  readonly home: string;
  readonly env: Record<string, string>;
  private readonly session: DesktopSession | null;

  constructor(
    readonly name: string,
    readonly root: TestRoot,
    options: { serverUrl: string; apiKey?: string | null; poolId?: string | null; autoSync?: boolean },
  ) {
    this.session = root.session;
    this.home = mkdtempSync(join(tmpdir(), `pacman-sync-client-${name}-`));
    // Root's client keeps its state and cache where the system unit does (XDG_STATE_HOME=/var/lib,
    // XDG_CACHE_HOME=/var/cache): directories others may enter, as pacman 7's download user must. The
    // desktop user's home stays 0700, as a home is.
    if (!this.session) chmodSync(this.home, 0o755);
    this.env = {
      HOME: this.home,
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      XDG_CONFIG_HOME: join(this.home, 'config'),
      XDG_STATE_HOME: join(this.home, 'state'),
      XDG_CACHE_HOME: join(this.home, 'cache'),
      PACMAN_SYNC_SYSTEM_STAMP: join(this.home, 'system', 'transaction.stamp'),
    };
    this.writeConfig(options);
  }

  get stateDir(): string {
    return join(this.env.XDG_STATE_HOME, 'pacman-sync');
  }

  /** The endpoint id `register` stored. */
  endpointId(): string {
    return JSON.parse(readFileSync(join(this.stateDir, 'endpoint.json'), 'utf8')).endpoint_id;
  }

  get configFile(): string {
    return join(this.env.XDG_CONFIG_HOME, 'pacman-sync', 'client.conf');
  }

  writeConfig(options: {
    serverUrl: string;
    apiKey?: string | null;
    poolId?: string | null;
    autoSync?: boolean;
  }) {
    const lines = [
      '[server]',
      `url = ${options.serverUrl}`,
      ...(options.apiKey ? [`api_key = ${options.apiKey}`] : []),
      '',
      '[client]',
      `endpoint_name = ${this.name}`,
      ...(options.poolId ? [`pool_id = ${options.poolId}`] : []),
      `auto_sync = ${options.autoSync ? 'true' : 'false'}`,
      '',
      '[ui]',
      'update_interval = 60',
      '',
      '[pacman]',
      `command = ${this.root.variant.command}`,
      'privilege = auto',
      `root = ${this.root.root}`,
      `dbpath = ${this.root.dbpath}`,
      `config = ${this.root.configFile}`,
      `cachedir = ${this.root.cachedir}`,
      '',
    ];
    mkdirSync(join(this.env.XDG_CONFIG_HOME, 'pacman-sync'), { recursive: true });
    writeFileSync(this.configFile, lines.join('\n'));
    this.handOver();
  }

  /** Gives what the test wrote into the client's home (as root) to the client's user. */
  handOver(): void {
    this.session?.give(this.home);
  }

  /** Starts a long-running command (daemon, waybar --follow); stop() aborts it and returns its run. */
  start(args: string[]): { output: () => string; stop: () => Promise<CliRun> } {
    if (this.session) {
      const live = { stderr: '' };
      const running = this.session.runCli(args, this.env, this.remoteDeps(), (text) => (live.stderr += text));
      return {
        output: () => live.stderr,
        stop: () => {
          this.session?.abort(running.id);
          return running.done.then((result) => this.cliRun(result));
        },
      };
    }
    const controller = new AbortController();
    const live = { stderr: '' };
    const running = this.run(args, { signal: controller.signal }, live);
    return {
      output: () => live.stderr,
      stop: () => {
        controller.abort();
        return running;
      },
    };
  }

  async run(
    args: string[],
    deps: CliDependencies = {},
    live: { stderr: string } = { stderr: '' },
  ): Promise<CliRun> {
    if (this.session) {
      if (Object.keys(deps).length > 0) {
        throw new Error(`${this.name}: the desktop user's CLI takes no in-process dependencies`);
      }
      return this.cliRun(await this.session.runCli(args, this.env, this.remoteDeps()).done);
    }
    let stdout = '';
    let stderr = '';
    const stdin = Readable.from([]) as Readable & { isTTY?: boolean };
    stdin.isTTY = false;
    const code = await main(
      args,
      {
        stdout: { write: (text: string) => (stdout += text), isTTY: false },
        stderr: {
          write: (text: string) => {
            live.stderr += text;
            stderr += text;
            return true;
          },
          isTTY: false,
        },
        stdin,
        env: this.env,
      },
      { adapterOptions: this.root.adapterOptions(), http: HTTP, ...deps },
    );
    return this.cliRun({ code, stdout, stderr });
  }

  /** What `pacman-sync tray` builds shows and does on Sync now, run as this client's user. */
  trayBackend(): Promise<TrayBackendScenarioResult> {
    const input = { env: this.env, adapterOptions: this.root.adapterOptions() };
    return this.session ? this.session.trayBackend(input) : runTrayBackendScenario(input);
  }

  private remoteDeps() {
    return { adapterOptions: this.root.adapterOptions(), http: HTTP };
  }

  private cliRun({ code, stdout, stderr }: CliResult): CliRun {
    return {
      code,
      stdout,
      stderr,
      json: <T>() => {
        try {
          return JSON.parse(stdout) as T;
        } catch {
          throw new Error(`${this.name}: stdout is not JSON (exit ${code}):\n${stdout}\nstderr:\n${stderr}`);
        }
      },
    };
  }

  /** Runs and fails the test with the client's output when the exit code is not the expected one. */
  async expect(args: string[], code = 0, deps: CliDependencies = {}): Promise<CliRun> {
    const result = await this.run(args, deps);
    if (result.code !== code) {
      throw new Error(
        `${this.name}: pacman-sync ${args.join(' ')} exited ${result.code}, expected ${code}\n` +
          `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`,
      );
    }
    return result;
  }

  destroy(): void {
    rmSync(this.home, { recursive: true, force: true });
  }
}
