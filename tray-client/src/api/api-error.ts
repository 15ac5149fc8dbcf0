/** The server answered with an error (DESIGN.md §4: `{"error": {code, message, details, timestamp}}`). */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    /** The design's code (`SYNC_CONFLICT`, `NOT_FOUND`, …), or `HTTP_<status>` when the body had none. */
    readonly code: string,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
  }
}

/** No answer from the server (connection refused, DNS, timeout, reset), after all retries. */
export class ServerUnreachableError extends Error {
  override readonly name = 'ServerUnreachableError';
  readonly code = 'UNREACHABLE';

  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`server unreachable at ${url}: ${reason}`);
  }
}

/** The server answered 2xx with a body the client cannot use: a bug or a hostile server, never retried. */
export class InvalidResponseError extends Error {
  override readonly name = 'InvalidResponseError';
  readonly code = 'INVALID_RESPONSE';
}

const MAX_MESSAGE_LENGTH = 500;

/**
 * Maps an error answer to an ApiError. Bodies that are not the design's shape (a reverse proxy's HTML
 * page, an empty 502) still give a code and a readable message; server text is cut short and stripped
 * of control characters so it cannot scroll or repaint the user's terminal.
 */
export function apiErrorFromResponse(status: number, statusText: string, bodyText: string): ApiError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    parsed = null;
  }
  const error = (parsed as { error?: unknown } | null)?.error;
  if (error && typeof error === 'object') {
    const { code, message, details } = error as Record<string, unknown>;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(code)) {
      const text = typeof message === 'string' && message !== '' ? message : `${code} (HTTP ${status})`;
      return new ApiError(status, code, printable(text), details ?? null);
    }
  }
  const reason = statusText ? ` ${printable(statusText)}` : '';
  return new ApiError(status, `HTTP_${status}`, `server answered HTTP ${status}${reason}`);
}

export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return clean.length > MAX_MESSAGE_LENGTH ? `${clean.slice(0, MAX_MESSAGE_LENGTH)}…` : clean;
}
