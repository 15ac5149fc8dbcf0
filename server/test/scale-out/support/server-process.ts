import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { createDatabase } from '../../support/postgres';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
/** The container's entry command and the README's run command, from the repository root. */
export const ENTRY_COMMAND = ['node', 'server/dist/main.js'] as const;
export const E2E_ADMIN_PASSWORD = 'e2e-admin-password-0123';
/** Shared by every instance of one fleet, as the docs require: a session from one is valid on the others. */
export const E2E_JWT_SECRET = 'e2e-jwt-secret-'.padEnd(48, 'x');

export interface LogLine {
  level: number;
  msg?: string;
  time: number;
  [key: string]: unknown;
}

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  url: string;
  dataDir: string;
  /** Parsed pino lines of stdout, in order. */
  logs: LogLine[];
  stderr: () => string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM and wait, unless it already exited. */
  stop: () => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A fresh database in the e2e cluster; its URL. */
export async function e2eDatabase(): Promise<string> {
  const adminUrl = process.env.TEST_PG_ADMIN_URL;
  if (!adminUrl) throw new Error('no PostgreSQL cluster: run through the server:e2e Jest project');
  return createDatabase(adminUrl, `e2e_${randomBytes(6).toString('hex')}`);
}

/**
 * Starts `node server/dist/main.js` from the repository root on a free port and waits until /api/health
 * answers 200. `env` is added to a test environment (admin password, shared JWT secret, high rate limit).
 */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = env.DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pacman-sync-e2e-'));
  // ENTRY_COMMAND with this very node binary for `node`.
  const child = spawn(process.execPath, [...ENTRY_COMMAND.slice(1)], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      DATA_DIR: dataDir,
      ADMIN_PASSWORD: E2E_ADMIN_PASSWORD,
      JWT_SECRET_KEY: E2E_JWT_SECRET,
      API_RATE_LIMIT: '1000000',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let stderr = '';
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        // Not a log line (nothing else should write to stdout); keep going.
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited during start (${child.exitCode ?? child.signalCode}): ${stderr}`);
    }
    const health = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
    if (health?.status === 200) break;
    if (Date.now() - started > 30_000) {
      child.kill('SIGKILL');
      throw new Error(`server did not become healthy within 30 s: ${stderr}`);
    }
    await sleep(100);
  }
  return {
    child,
    pid: child.pid!,
    port,
    url,
    dataDir,
    logs,
    stderr: () => stderr,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface JsonResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** One JSON request with a time bound; a network failure or timeout rejects. */
export async function api<T = Record<string, unknown>>(
  url: string,
  options: { method?: string; token?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
  });
  const text = await response.text();
  return { status: response.status, body: parseBody(text) as T, headers: response.headers };
}

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return { unparsed: text };
  }
}

export async function login(server: Pick<ServerProcess, 'url'>): Promise<string> {
  const response = await api<{ access_token: string }>(`${server.url}/api/auth/login`, {
    method: 'POST',
    body: { username: 'admin', password: E2E_ADMIN_PASSWORD },
  });
  if (response.status !== 200)
    throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.access_token;
}

/** Asserts the API's one error shape: `{error: {code, message, details, timestamp}}`. */
export function isErrorShape(body: unknown, code: string): boolean {
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  return (
    error !== undefined &&
    Object.keys(body as object).length === 1 &&
    error.code === code &&
    typeof error.message === 'string' &&
    'details' in error &&
    typeof error.timestamp === 'string'
  );
}
