/**
 * What pacman-sync-privileged and the client say to each other. The client starts it once per plan:
 *
 *   sudo -- /usr/lib/pacman-sync/pacman-sync-privileged --pool=NAME --packages=N [--root=… …]
 *   pkexec  /usr/lib/pacman-sync/pacman-sync-privileged --pool=NAME --packages=N [--root=… …]
 *
 * with the step document (pacman-steps.ts) on stdin. It answers on stdout with one JSON event per line,
 * pacman's own output wrapped in `output` events, so nothing pacman or a package scriptlet prints can pass
 * for a step's start or end. sudo and pkexec close every descriptor above stderr, so stdout is the channel.
 */
export type PrivilegedEvent =
  | { event: 'step'; index: number }
  | { event: 'output'; index: number; line: string }
  | { event: 'exit'; index: number; code: number }
  /** Nothing was started: the request was refused (PRIVILEGE) or pacman cannot be run (PACMAN_MISSING). */
  | { event: 'fatal'; code: 'PRIVILEGE' | 'PACMAN_MISSING'; message: string };

export const PRIVILEGED_EXIT = Object.freeze({ OK: 0, STEP_FAILED: 1, REFUSED: 2 });

/** Where the package installs the entry point; the polkit action and the sudoers line name this path. */
export const PRIVILEGED_ENTRY_POINT = '/usr/lib/pacman-sync/pacman-sync-privileged';

/** The administrator's file of what pacman-sync-privileged may change besides the system itself. */
export const PRIVILEGED_CONFIG_FILE = '/etc/pacman-sync/privileged.conf';

export function encodeEvent(event: PrivilegedEvent): string {
  return `${JSON.stringify(event)}\n`;
}

/** A line of pacman-sync-privileged's stdout as an event; null for anything else (sudo's or pkexec's words). */
export function decodeEvent(line: string): PrivilegedEvent | null {
  if (!line.startsWith('{"event":')) return null;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  const event = value as Partial<Record<string, unknown>>;
  switch (event.event) {
    case 'step':
      return Number.isInteger(event.index) ? { event: 'step', index: event.index as number } : null;
    case 'output':
      return Number.isInteger(event.index) && typeof event.line === 'string'
        ? { event: 'output', index: event.index as number, line: event.line }
        : null;
    case 'exit':
      return Number.isInteger(event.index) && Number.isInteger(event.code)
        ? { event: 'exit', index: event.index as number, code: event.code as number }
        : null;
    case 'fatal':
      return (event.code === 'PRIVILEGE' || event.code === 'PACMAN_MISSING') &&
        typeof event.message === 'string'
        ? { event: 'fatal', code: event.code, message: event.message }
        : null;
    default:
      return null;
  }
}

/** pacman's global options the client may pass for a managed root, in the order they are written. */
export const GLOBAL_OPTIONS = ['root', 'dbpath', 'config', 'cachedir', 'hookdir', 'logfile'] as const;
export type GlobalOption = (typeof GLOBAL_OPTIONS)[number];
export type GlobalOptions = Partial<Record<GlobalOption, string>>;

/** What the command line of pacman-sync-privileged says (and the polkit prompt shows). */
export interface PrivilegedRequest {
  /** The pool the plan comes from, as the client names it: for the prompt and the log. */
  pool: string | null;
  /** How many packages the steps touch; checked against the steps. */
  packages: number;
  globals: GlobalOptions;
}

const MAX_POOL_LENGTH = 200;

export function requestArguments(request: PrivilegedRequest): string[] {
  const args = request.pool === null ? [] : [`--pool=${request.pool}`];
  args.push(`--packages=${request.packages}`);
  for (const option of GLOBAL_OPTIONS) {
    const value = request.globals[option];
    if (value !== undefined) args.push(`--${option}=${value}`);
  }
  return args;
}

/** The global options as pacman takes them, in a fixed order. */
export function globalArguments(globals: GlobalOptions): string[] {
  return GLOBAL_OPTIONS.filter((option) => globals[option] !== undefined).map(
    (option) => `--${option}=${globals[option]}`,
  );
}

/** A command line pacman-sync-privileged does not accept. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
}

/** The inverse of requestArguments, refusing anything else: every option once, nothing unknown. */
export function parseRequestArguments(argv: readonly string[]): PrivilegedRequest {
  const request: PrivilegedRequest = { pool: null, packages: -1, globals: {} };
  const seen = new Set<string>();
  for (const arg of argv) {
    const match = /^--([a-z][a-z-]*)=(.*)$/s.exec(arg);
    if (!match) throw new RequestError(`unexpected argument ${JSON.stringify(arg)}`);
    const [, option, value] = match;
    if (seen.has(option)) throw new RequestError(`--${option} is given twice`);
    seen.add(option);
    // eslint-disable-next-line no-control-regex -- a control character in a path or name is refused
    if (/[\0-\x1f\x7f]/.test(value)) throw new RequestError(`--${option} holds a control character`);
    if (option === 'pool') {
      if (value.length === 0 || value.length > MAX_POOL_LENGTH) {
        throw new RequestError(`--pool must be 1 to ${MAX_POOL_LENGTH} characters`);
      }
      request.pool = value;
    } else if (option === 'packages') {
      if (!/^[1-9][0-9]{0,8}$/.test(value))
        throw new RequestError('--packages must be a positive whole number');
      request.packages = Number(value);
    } else if ((GLOBAL_OPTIONS as readonly string[]).includes(option)) {
      if (!isNormalAbsolutePath(value)) {
        throw new RequestError(
          `--${option} must be an absolute path without . or .. parts, got ${JSON.stringify(value)}`,
        );
      }
      request.globals[option as GlobalOption] = value;
    } else {
      throw new RequestError(`unknown option --${option}`);
    }
  }
  if (request.packages < 0) throw new RequestError('--packages is missing');
  return request;
}

/** `/a/b`, not `a/b`, `/a/../b`, `/a//b` or `/a/`. */
export function isNormalAbsolutePath(path: string): boolean {
  if (path === '/') return true;
  const parts = path.split('/');
  return (
    parts.length > 1 &&
    parts[0] === '' &&
    parts.slice(1).every((part) => part !== '' && part !== '.' && part !== '..')
  );
}
