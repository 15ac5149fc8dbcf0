import { ApiError, apiErrorFromResponse, InvalidResponseError, ServerUnreachableError } from './api-error';

export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error goes to the caller (the daemon retries later). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 5,
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
});

export interface HttpClientOptions {
  /** The server's base URL as configured (`https://sync.example.org`); `/api` is appended. */
  serverUrl: string;
  token: string | null;
  /** Per attempt. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  userAgent?: string;
  /** Injected by tests to make backoff deterministic and instant. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called before each retry: the CLI prints it with --verbose, the daemon logs it. */
  onRetry?: (event: RetryEvent) => void;
}

export interface RetryEvent {
  method: string;
  path: string;
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | null | undefined>;
  body?: unknown;
  /**
   * Whether sending the request twice is harmless (default: true for GET). A request that is not is
   * retried only when it certainly did not reach the server (connection refused, name not resolved) or the
   * server said it did not process it (429, 503).
   */
  idempotent?: boolean;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
/** No answer the client expects comes near this; a larger one is refused rather than held in memory. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

// The request left the machine in none of these cases, so even a non-idempotent request can be sent again.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

interface NetworkFailure {
  reason: string;
  notSent: boolean;
}

/** Node's global fetch with a bearer token, a timeout per attempt and retries with backoff and jitter. */
export class HttpClient {
  readonly baseUrl: string;
  private readonly retry: RetryPolicy;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: HttpClientOptions) {
    const parsed = new URL(options.serverUrl);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new Error(`server url must be http or https, got ${JSON.stringify(options.serverUrl)}`);
    }
    this.baseUrl = `${options.serverUrl.replace(/\/+$/, '')}/api`;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  get token(): string | null {
    return this.options.token;
  }

  get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = this.url(path, options.query);
    const policy = { ...this.retry, ...options.retry };
    const idempotent = options.idempotent ?? method === 'GET';
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.options.userAgent ?? 'pacman-sync-client',
    };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = 'application/json';

    for (let attempt = 1; ; attempt++) {
      const last = attempt >= policy.maxAttempts;
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, {
          method,
          headers,
          body,
          signal: AbortSignal.timeout(options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
        });
        text = await readLimited(response);
      } catch (error) {
        if (error instanceof InvalidResponseError) throw error;
        const failure = describeNetworkFailure(error);
        if (last || !(idempotent || failure.notSent)) {
          throw new ServerUnreachableError(this.options.serverUrl, failure.reason);
        }
        await this.wait(method, path, attempt, this.backoff(attempt, policy), failure.reason);
        continue;
      }

      if (response.ok) return parseBody<T>(text, response.status, method, path);

      const error = apiErrorFromResponse(response.status, response.statusText, text);
      const retryable =
        response.status === 429 || response.status === 503 || (idempotent && response.status >= 500);
      if (last || !retryable) throw error;
      let delay = this.backoff(attempt, policy);
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
      if (retryAfter !== null) {
        if (retryAfter > policy.maxRetryAfterMs) throw error;
        delay = Math.max(delay, retryAfter);
      }
      await this.wait(method, path, attempt, delay, `${error.code}: ${error.message}`);
    }
  }

  private url(path: string, query: RequestOptions['query']): string {
    if (!path.startsWith('/')) throw new Error(`request path must start with "/": ${path}`);
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) search.set(key, String(value));
    }
    const suffix = search.size > 0 ? `?${search}` : '';
    return `${this.baseUrl}${path}${suffix}`;
  }

  /** Exponential backoff with equal jitter: never zero, never above the cap, spread across clients. */
  private backoff(attempt: number, policy: RetryPolicy): number {
    const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  private async wait(method: string, path: string, attempt: number, delayMs: number, reason: string) {
    this.options.onRetry?.({ method, path, attempt, delayMs, reason });
    await this.sleep(delayMs);
  }
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), in milliseconds; null when absent or bad. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

function describeNetworkFailure(error: unknown): NetworkFailure {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return { reason: 'timed out', notSent: false };
  const cause = (
    error as { cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } } | null
  )?.cause;
  // Connecting to several addresses of one name fails with an AggregateError that carries the codes.
  const code = cause?.code ?? cause?.errors?.find((inner) => inner.code)?.code;
  if (code) return { reason: code, notSent: NOT_SENT_CODES.has(code) };
  if (cause?.message) return { reason: cause.message, notSent: false };
  return { reason: error instanceof Error ? error.message : String(error), notSent: false };
}

async function readLimited(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > MAX_RESPONSE_BYTES) {
    await response.body?.cancel();
    throw new InvalidResponseError(`server answer of ${declared} bytes exceeds ${MAX_RESPONSE_BYTES}`);
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      throw new InvalidResponseError(`server answer exceeds ${MAX_RESPONSE_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody<T>(text: string, status: number, method: string, path: string): T {
  if (status === 204 || text === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new InvalidResponseError(`${method} ${path}: the server's answer is not JSON`);
  }
}

export function isUnreachable(error: unknown): error is ServerUnreachableError {
  return error instanceof ServerUnreachableError;
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}
