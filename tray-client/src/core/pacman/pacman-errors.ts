export type PacmanErrorCode =
  | 'LOCK_HELD'
  | 'CONFLICTING_FILES'
  | 'PACKAGE_CONFLICT'
  | 'MISSING_DEPENDENCY'
  | 'SIGNATURE'
  | 'DOWNLOAD'
  | 'NOT_FOUND'
  | 'PLAN_UNAVAILABLE'
  | 'PACKAGE_HELD'
  | 'PACMAN_MISSING'
  | 'PRIVILEGE'
  | 'TRANSACTION_FAILED';

const HINTS: Record<PacmanErrorCode, string> = {
  LOCK_HELD: 'another pacman is running (or a stale db.lck was left behind)',
  CONFLICTING_FILES: 'files of a package already exist on the system',
  PACKAGE_CONFLICT: 'a package to install conflicts with an installed package or with another one to install',
  MISSING_DEPENDENCY: 'a dependency cannot be satisfied',
  SIGNATURE: 'a package or database signature is invalid or untrusted',
  DOWNLOAD: 'a package could not be downloaded',
  NOT_FOUND: 'a package file or target was not found',
  PLAN_UNAVAILABLE: 'the plan wants versions that nothing offers',
  PACKAGE_HELD: "the plan changes a package this machine's pacman.conf holds (IgnorePkg, IgnoreGroup)",
  PACMAN_MISSING: 'the pacman program cannot be started',
  PRIVILEGE: 'sudo or pkexec did not authorize pacman-sync-privileged, or it refused the request',
  TRANSACTION_FAILED: 'pacman reported an error',
};

/** A pacman run that failed, classified so the CLI, tray and server can say what went wrong. */
export class PacmanError extends Error {
  override readonly name = 'PacmanError';

  constructor(
    readonly code: PacmanErrorCode,
    message: string,
    /** The last lines pacman printed, for the operation log. */
    readonly outputTail: readonly string[] = [],
    readonly exitCode: number | null = null,
  ) {
    super(message);
  }

  static hint(code: PacmanErrorCode): string {
    return HINTS[code];
  }
}

/** A name, version or file that must not reach pacman's command line; pacman was not started. */
export class UnsafeTargetError extends Error {
  override readonly name = 'UnsafeTargetError';

  constructor(
    readonly field: string,
    readonly value: string,
  ) {
    super(`refusing to pass ${field} ${JSON.stringify(value)} to pacman: it is not a valid ${field}`);
  }
}

// Ordered: the first rule that matches any output line wins, most specific first.
const CLASSIFIERS: ReadonlyArray<[PacmanErrorCode, RegExp]> = [
  ['LOCK_HELD', /unable to lock database/],
  [
    'SIGNATURE',
    /signature .*(is invalid|unknown trust|is marginal trust)|invalid or corrupted package \(PGP signature\)|missing required signature|key ".*" (is unknown|could not be looked up remotely)/,
  ],
  ['CONFLICTING_FILES', /conflicting files|exists in filesystem/],
  ['PACKAGE_CONFLICT', /unresolvable package conflicts detected|conflicting dependencies/],
  ['MISSING_DEPENDENCY', /could not satisfy dependencies|unable to satisfy dependency/],
  ['DOWNLOAD', /failed retrieving file|failed to retrieve some files|failed to download/],
  ['NOT_FOUND', /target not found|could not find or read package|No such file or directory/],
];

const FAILED_RETRIEVAL = /failed retrieving file '([^']*)'/;

export function classifyPacmanOutput(lines: readonly string[]): PacmanErrorCode {
  // With signatures required pacman fetches `<file>.sig` beside each URL; when only those are missing,
  // the package is unsigned (a signature problem), not unreachable.
  const failedFiles = lines
    .map((line) => FAILED_RETRIEVAL.exec(line)?.[1])
    .filter((file) => file !== undefined);
  if (failedFiles.length > 0 && failedFiles.every((file) => file.endsWith('.sig'))) return 'SIGNATURE';
  for (const [code, pattern] of CLASSIFIERS) {
    if (lines.some((line) => pattern.test(line))) return code;
  }
  return 'TRANSACTION_FAILED';
}

export const OUTPUT_TAIL_LINES = 20;

/** What the adapter knows about a failed run besides pacman's words. */
export interface FailureEvidence {
  /** The database lock file was still there after pacman exited: another pacman holds it. */
  lockPresent?: boolean;
}

// pacman prefixes every error with "error: " in English; a failed run without one did not speak English.
const ENGLISH_ERROR = /^error: /;

export function failureFromOutput(
  what: string,
  lines: readonly string[],
  exitCode: number | null,
  evidence: FailureEvidence = {},
): PacmanError {
  let code = classifyPacmanOutput(lines);
  if (code === 'TRANSACTION_FAILED' && evidence.lockPresent) code = 'LOCK_HELD';
  const tail = lines.filter((line) => line.trim() !== '').slice(-OUTPUT_TAIL_LINES);
  const firstError = lines.find((line) => ENGLISH_ERROR.test(line)) ?? tail[tail.length - 1] ?? '';
  const message = `${what} failed (${code}: ${PacmanError.hint(code)})${firstError ? `: ${firstError}` : ''}`;
  return new PacmanError(code, message, tail, exitCode);
}
