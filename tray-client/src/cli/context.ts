import { ClientConfig, Environment, loadClientConfig, resolveConfigPath } from '../core/config/client-config';
import { EndpointCredentials, StateStore } from '../core/config/state-dir';
import { PacmanAdapter, PacmanAdapterOptions } from '../core/pacman/pacman-adapter';
import { HttpClientOptions } from '../api/http-client';
import { PacmanSyncApi } from '../api/pacman-sync-api';
import { OperationRunner } from '../operations/operation-runner';
import { Reporter } from '../reporting/reporter';
import { ClientError } from './exit-codes';

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface InputStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
}

/** Where the CLI reads and writes; tests pass their own. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: InputStream;
  env: Environment;
}

/** Seams for tests and embedders; production uses none of them. */
export interface CliDependencies {
  /** Extra adapter options (a test root's hook directory and log file). */
  adapterOptions?: PacmanAdapterOptions;
  /** HTTP tuning (tests shorten retries). */
  http?: Partial<Omit<HttpClientOptions, 'serverUrl' | 'token'>>;
  /** Answers the sync/revert question instead of a terminal. */
  confirm?: (question: string) => Promise<boolean>;
  /** Stops `daemon` (without --once): the daemon runs until this signal aborts. */
  signal?: AbortSignal;
}

export const NOT_REGISTERED_CODE = 'NOT_REGISTERED';

/** What every command needs, loaded on first use so `--help` and usage errors touch no file. */
export class CliContext {
  private loadedConfig: ClientConfig | null = null;
  private loadedCredentials: EndpointCredentials | null = null;

  constructor(
    readonly io: CliIo,
    readonly options: { json: boolean; configFlag: string | null; verbose: boolean },
    readonly deps: CliDependencies = {},
  ) {}

  get json(): boolean {
    return this.options.json;
  }

  get configPath(): string {
    return resolveConfigPath({ flag: this.options.configFlag, env: this.io.env });
  }

  config(): ClientConfig {
    this.loadedConfig ??= loadClientConfig({ flag: this.options.configFlag, env: this.io.env });
    return this.loadedConfig;
  }

  store(): StateStore {
    return StateStore.fromEnvironment(this.io.env);
  }

  credentials(): EndpointCredentials {
    this.loadedCredentials ??= this.store().readCredentials();
    if (!this.loadedCredentials) {
      throw new ClientError(
        'this machine is not registered: run "pacman-sync register" first',
        NOT_REGISTERED_CODE,
      );
    }
    return this.loadedCredentials;
  }

  /** The API as this endpoint, with its own token. */
  api(): PacmanSyncApi {
    const credentials = this.credentials();
    return this.apiAt(credentials.server_url, credentials.token);
  }

  apiAt(serverUrl: string, token: string | null): PacmanSyncApi {
    return new PacmanSyncApi({
      serverUrl,
      token,
      userAgent: 'pacman-sync-cli',
      onRetry: (event) => {
        if (this.options.verbose) {
          this.io.stderr.write(
            `pacman-sync: ${event.method} ${event.path} failed (${event.reason}); retry ${event.attempt} in ${event.delayMs} ms\n`,
          );
        }
      },
      ...this.deps.http,
    });
  }

  adapter(overrides: PacmanAdapterOptions = {}): PacmanAdapter {
    return new PacmanAdapter(this.config().pacman, {
      autoPrivilege: 'sudo',
      env: this.io.env,
      ...this.deps.adapterOptions,
      ...overrides,
    });
  }

  reporter(api = this.api(), adapter = this.adapter()): Reporter {
    return new Reporter({ api, adapter, store: this.store(), endpointId: this.credentials().endpoint_id });
  }

  runner(api = this.api(), adapter = this.adapter()): OperationRunner {
    return new OperationRunner({ api, adapter, reporter: this.reporter(api, adapter) });
  }

  out(line = ''): void {
    this.io.stdout.write(`${line}\n`);
  }

  /** One JSON document on stdout (for --json). */
  emit(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }
}
