import { fork } from 'node:child_process';
import * as path from 'node:path';

import autocannon from 'autocannon';

export interface ServerProcess {
  port: number;
  baseUrl: string;
  stop: () => Promise<void>;
  /** Runs `task` with the server's CPU profiler on when BENCH_PROFILE_DIR is set; writes `<name>.cpuprofile`. */
  profiled: <T>(name: string, task: () => Promise<T>) => Promise<T>;
  /**
   * Runs `task` and returns its result with the server process's CPU time (user + system) spent meanwhile:
   * per request, that is what the server costs, whatever else the shared machine is doing.
   */
  measured: <T>(task: () => Promise<T>) => Promise<{ result: T; cpuMs: number }>;
}

/** Starts bench/serve.js in a child process with `env` and waits for its port. */
export function startServerProcess(
  mode: 'app' | 'bare' | 'floor',
  env: Record<string, string>,
): Promise<ServerProcess> {
  const child = fork(path.join(__dirname, 'serve.js'), [], {
    env: { ...process.env, ...env, BENCH_SERVER: mode },
    // The server's request log goes nowhere, but it is still written: logging is part of its cost.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`bench server (${mode}) exited with ${code} before listening`)),
    );
    child.once('message', (message: { port: number }) => {
      child.removeAllListeners('exit');
      resolve({
        port: message.port,
        baseUrl: `http://127.0.0.1:${message.port}`,
        profiled: async (name, task) => {
          const directory = process.env.BENCH_PROFILE_DIR;
          if (!directory) return task();
          const file = path.resolve(directory, `${name}.cpuprofile`);
          child.send({ profileStart: true });
          const result = await task();
          const written = new Promise<void>((done) =>
            child.on('message', function onMessage(reply: { profiled?: string }) {
              if (reply.profiled !== file) return;
              child.off('message', onMessage);
              done();
            }),
          );
          child.send({ profileStop: file });
          await written;
          process.stdout.write(`CPU profile of the server: ${file}\n`);
          return result;
        },
        measured: async (task) => {
          const cpuMicros = () =>
            new Promise<number>((done) => {
              child.on('message', function onMessage(reply: { cpuMicros?: number }) {
                if (reply.cpuMicros === undefined) return;
                child.off('message', onMessage);
                done(reply.cpuMicros);
              });
              child.send('cpu');
            });
          const before = await cpuMicros();
          const result = await task();
          return { result, cpuMs: ((await cpuMicros()) - before) / 1000 };
        },
        stop: () =>
          new Promise<void>((done) => {
            const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(timer);
              done();
            });
            child.send('stop');
          }),
      });
    });
  });
}

/** JSON over fetch; throws with the body on a non-2xx answer so seeding mistakes are loud. */
export async function api<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  route: string,
  body?: unknown,
  token?: string,
): Promise<T> {
  const response = await fetch(`${baseUrl}${route}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  /** Called for every request: path, headers and body of the next request. */
  next: () => { path: string; headers: Record<string, string>; body?: string };
  /** Default POST. */
  method?: 'GET' | 'POST';
}

/** One autocannon run; any non-2xx answer or error fails the benchmark rather than inflating the rate. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    requests: [
      {
        method: options.method ?? 'POST',
        setupRequest: (request) => {
          const next = options.next();
          return {
            ...request,
            path: next.path,
            headers: {
              ...request.headers,
              ...(next.body === undefined ? {} : { 'content-type': 'application/json' }),
              ...next.headers,
            },
            body: next.body,
          };
        },
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `load run had failures: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Runs `task` over `items` with at most `concurrency` in flight; for seeding through the API. */
export async function inBatches<T, R>(
  items: T[],
  concurrency: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  });
  await Promise.all(workers);
  return results;
}
