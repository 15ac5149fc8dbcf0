import { ChildProcess, execFileSync, fork } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { PacmanConfig } from '../../src/core/config/client-config';
import type { ApplyOptions, PacmanAdapter, PacmanAdapterOptions } from '../../src/core/pacman/pacman-adapter';
import { PacmanError, PacmanErrorCode, UnsafeTargetError } from '../../src/core/pacman/pacman-errors';
import type { SyncProgress } from '../../src/core/sync/progress';
import type { AdapterMethod, HostReply, HostRequest, SerializedError } from './desktop-user-host';
import { DESKTOP_USER, harness, SUDO_LOG_VARIABLE } from './privileged-harness';
import { RecordingRunner } from './recording-runner';
import type { TrayBackendScenarioInput, TrayBackendScenarioResult } from './tray-backend-scenario';

/** What the pacman suites call on an adapter, whichever user it runs as. */
export type AdapterUnderTest = Pick<
  PacmanAdapter,
  | 'readInstalledState'
  | 'readRepositories'
  | 'readCachedPackages'
  | 'readPackageOffer'
  | 'applyPlan'
  | 'pacmanConf'
>;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const REGISTER = join(__dirname, '..', '..', 'bench', 'register.js');
const HOST = join(__dirname, 'desktop-user-host.ts');

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onProgress?: (progress: SyncProgress) => void;
  onStderr?: (text: string) => void;
  recorder?: RecordingRunner;
}

/**
 * A process of the unprivileged desktop user that runs the client's code for the tests: its own HOME, a
 * PATH whose `sudo` counts elevations before it execs the real sudo, and nothing of root's. The test
 * process (root: fixtures, server, database) sends it work over IPC; one session serves a test file.
 */
export class DesktopSession {
  readonly home: string;
  readonly sudoLog: string;
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private output = '';
  private exited: Error | null = null;
  private readonly ready: Promise<unknown>;

  constructor() {
    const uid = Number(execFileSync('id', ['-u', DESKTOP_USER]).toString());
    const gid = Number(execFileSync('id', ['-g', DESKTOP_USER]).toString());
    this.home = mkdtempSync(join(tmpdir(), 'pacman-sync-desktop-'));
    chownSync(this.home, uid, gid);
    this.sudoLog = join(this.home, 'sudo.log');
    this.child = fork(HOST, [], {
      execArgv: ['-r', REGISTER],
      uid,
      gid,
      cwd: this.home,
      env: {
        HOME: this.home,
        USER: DESKTOP_USER,
        LOGNAME: DESKTOP_USER,
        PATH: `${harness().binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
        [SUDO_LOG_VARIABLE]: this.sudoLog,
      },
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.on('message', (reply: HostReply) => this.receive(reply));
    this.child.on('exit', (code, signal) => {
      this.exited = new Error(`the desktop user's client process ended (${signal ?? code}):\n${this.output}`);
      for (const pending of this.pending.values()) pending.reject(this.exited);
      this.pending.clear();
    });
    // The host says hello (id 0) once it has loaded the client's code as the desktop user.
    this.ready = new Promise((resolve, reject) => this.pending.set(0, { resolve, reject }));
  }

  /** The adapter, run by the desktop user; a RecordingRunner in the options records that process's starts. */
  adapter(config: PacmanConfig, options: PacmanAdapterOptions = {}): AdapterUnderTest {
    const { runner, ...rest } = options;
    if (runner !== undefined && !(runner instanceof RecordingRunner)) {
      throw new Error('a desktop-user adapter can only record its program starts (RecordingRunner)');
    }
    const call = (method: AdapterMethod, args: unknown[], onProgress?: (progress: SyncProgress) => void) =>
      this.request(
        { type: 'adapter', config, options: rest, method, args, record: runner !== undefined },
        { onProgress, recorder: runner },
      );
    return {
      readInstalledState: () =>
        call('readInstalledState', []) as ReturnType<PacmanAdapter['readInstalledState']>,
      readRepositories: (...args) =>
        call('readRepositories', args) as ReturnType<PacmanAdapter['readRepositories']>,
      readCachedPackages: () =>
        call('readCachedPackages', []) as ReturnType<PacmanAdapter['readCachedPackages']>,
      readPackageOffer: (...args) =>
        call('readPackageOffer', args) as ReturnType<PacmanAdapter['readPackageOffer']>,
      pacmanConf: () => call('pacmanConf', []) as ReturnType<PacmanAdapter['pacmanConf']>,
      applyPlan: (plan, applyOptions: ApplyOptions = {}) => {
        const { onProgress, ...plain } = applyOptions;
        return call('applyPlan', [plan, plain], onProgress) as ReturnType<PacmanAdapter['applyPlan']>;
      },
    };
  }

  /** Runs `pacman-sync ARGS` (the CLI's main()) as the desktop user. */
  runCli(
    args: string[],
    env: Record<string, string>,
    deps: { adapterOptions: Omit<PacmanAdapterOptions, 'runner'>; http: Record<string, unknown> },
    onStderr?: (text: string) => void,
  ): { id: number; done: Promise<CliResult> } {
    const id = this.nextId++;
    const done = this.request(
      {
        type: 'cli',
        args,
        env,
        adapterOptions: deps.adapterOptions,
        http: deps.http,
        live: onStderr !== undefined,
      },
      { onStderr },
      id,
    ) as Promise<CliResult>;
    return { id, done };
  }

  /** Aborts a running CLI command (the daemon), as its AbortSignal would in-process. */
  abort(id: number): void {
    this.child.send({ id: 0, type: 'abort', target: id } satisfies HostRequest);
  }

  trayBackend(input: TrayBackendScenarioInput): Promise<TrayBackendScenarioResult> {
    return this.request({ type: 'tray-backend', input }, {}) as Promise<TrayBackendScenarioResult>;
  }

  /** How often this user's client has started sudo so far. */
  elevations(): number {
    if (!existsSync(this.sudoLog)) return 0;
    return readFileSync(this.sudoLog, 'utf8').split('\n').filter(Boolean).length;
  }

  /** Hands a file or directory the test prepared (as root) to the desktop user. */
  give(path: string): void {
    execFileSync('chown', ['-R', `${DESKTOP_USER}:`, path]);
  }

  async stop(): Promise<void> {
    if (this.exited === null) {
      const ended = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.disconnect();
      await ended;
    }
    rmSync(this.home, { recursive: true, force: true });
  }

  private async request(
    body: DistributiveOmit<HostRequest, 'id'>,
    handlers: Omit<Pending, 'resolve' | 'reject'>,
    id = this.nextId++,
  ): Promise<unknown> {
    await this.ready;
    if (this.exited) throw this.exited;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, ...handlers });
      this.child.send({ ...body, id } as HostRequest);
    });
  }

  private receive(reply: HostReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    if ('progress' in reply) {
      pending.onProgress?.(reply.progress as SyncProgress);
      return;
    }
    if ('stderr' in reply) {
      pending.onStderr?.(reply.stderr);
      return;
    }
    this.pending.delete(reply.id);
    if (reply.calls && pending.recorder) pending.recorder.calls.push(...reply.calls);
    if (reply.error) pending.reject(deserialize(reply.error));
    else pending.resolve(reply.result);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function deserialize(error: SerializedError): Error {
  if (error.name === 'PacmanError') {
    return new PacmanError(error.code as PacmanErrorCode, error.message, error.outputTail, error.exitCode);
  }
  if (error.name === 'UnsafeTargetError') return new UnsafeTargetError(error.field ?? '', error.value ?? '');
  const plain = new Error(`${error.message}\n(in the desktop user's process)\n${error.stack ?? ''}`);
  plain.name = error.name;
  return plain;
}
