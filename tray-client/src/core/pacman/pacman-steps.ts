import { posix } from 'node:path';

import { isValidPackageName, isValidPackageVersion, isValidRepositoryName } from '@pacman-sync/shared';

import { parsePackageFileName } from './package-files';
import { isNormalAbsolutePath } from './privileged-protocol';
import { ProcessResult, ProcessRunner, RunOptions } from './process-runner';

/**
 * Everything a plan changes, as the ordered pacman steps that change it. The adapter builds the list; when
 * the client is root it runs the steps itself, otherwise it hands the whole list to pacman-sync-privileged
 * (one sudo or pkexec for the whole plan), which checks it again with the same rules before running them.
 */
export type PacmanStep = DownloadStep | UpgradeStep | ReasonStep | RemoveStep;

/**
 * `pacman -Sw --nodeps --nodeps --dbpath=<dbpath> -- repository/name…`: fetch exactly these packages into
 * the cache from the sync databases in `dbpath` (the client's private copy, whose versions the plan was
 * resolved against). pacman tries every Server of the repository in order and checks each file with that
 * repository's SigLevel, as `pacman -S` would; `-w` starts no transaction and skips conflict checks.
 */
export interface DownloadStep {
  action: 'download';
  dbpath: string;
  packages: DownloadTarget[];
}

export interface DownloadTarget {
  repository: string;
  name: string;
}

/** `pacman -U`: install, upgrade or downgrade to exactly these files in one transaction. */
export interface UpgradeStep {
  action: 'upgrade';
  packages: UpgradeTarget[];
  /** Answer yes to "Remove <package>?" (pacman's `--ask=4`) for the conflicts the client checked. */
  remove_conflicting: boolean;
}

export interface UpgradeTarget {
  name: string;
  version: string;
  /** An absolute path in a package cache, or a URL; either way its file name is `<name>-<version>-<arch>.pkg.tar…`. */
  file: string;
}

/** `pacman -D --asdeps|--asexplicit`: the install reasons the target has. */
export interface ReasonStep {
  action: 'reason';
  reason: 'dependency' | 'explicit';
  packages: string[];
}

/** `pacman -R`: exactly these packages, nothing that depends on them. */
export interface RemoveStep {
  action: 'remove';
  packages: string[];
}

/** What pacman-sync-privileged reads on stdin. */
export interface StepDocument {
  version: typeof STEP_DOCUMENT_VERSION;
  steps: PacmanStep[];
}

export const STEP_DOCUMENT_VERSION = 1;

/** URL schemes pacman downloads itself; such files are checked with pacman's RemoteFileSigLevel. */
export const DOWNLOAD_SCHEMES: readonly string[] = ['http:', 'https:', 'ftp:', 'file:'];

/** A plan the system could be changed with would never need more; more is an attempt to exhaust something. */
const MAX_STEPS = 16;
const MAX_PACKAGES_PER_STEP = 100_000;
const MAX_FILE_LENGTH = 4096;

/** ALPM_QUESTION_CONFLICT_PKG (alpm.h): the bit of pacman's `--ask` mask for "Remove <pkg>?". */
const ALPM_QUESTION_CONFLICT_PKG = 4;

/** A step list that is not exactly what the format allows; nothing was started. */
export class StepDocumentError extends Error {
  override readonly name = 'StepDocumentError';
}

/** pacman's arguments for one step, after the global options; targets always follow `--`. */
export function stepArguments(step: PacmanStep): string[] {
  switch (step.action) {
    case 'download':
      // A later --dbpath wins over one among the global options.
      return [
        '-Sw',
        '--noconfirm',
        '--nodeps',
        '--nodeps',
        `--dbpath=${step.dbpath}`,
        '--',
        ...step.packages.map((target) => `${target.repository}/${target.name}`),
      ];
    case 'upgrade': {
      // --ask inverts the default answer of exactly the questions whose bits are set; --noconfirm
      // answers everything else with its default.
      const answers = step.remove_conflicting ? [`--ask=${ALPM_QUESTION_CONFLICT_PKG}`] : [];
      return ['-U', '--noconfirm', ...answers, '--', ...step.packages.map((target) => target.file)];
    }
    case 'reason':
      return ['-D', step.reason === 'dependency' ? '--asdeps' : '--asexplicit', '--', ...step.packages];
    case 'remove':
      return ['-R', '--noconfirm', '--', ...step.packages];
  }
}

/** How the step is named in messages: `pacman -Sw`, `pacman -U`, `pacman -D --asdeps`, `pacman -R`. */
export function stepName(step: PacmanStep): string {
  const [operation, flag] = stepArguments(step);
  return step.action === 'reason' ? `pacman ${operation} ${flag}` : `pacman ${operation}`;
}

/** The packages the steps touch, each counted once (what the authorization prompt announces). */
export function packageCount(steps: readonly PacmanStep[]): number {
  const names = new Set<string>();
  for (const step of steps) {
    for (const entry of step.packages) names.add(typeof entry === 'string' ? entry : entry.name);
  }
  return names.size;
}

/**
 * Checks a step document field by field: exactly the fields of the format (an unknown one is refused, not
 * ignored), names and versions by the shared rules, install reasons, and each file's shape (an absolute,
 * normal path or a canonical URL of a scheme pacman downloads, whose file name is that package at that
 * version). Where a local file may lie is for the caller to decide: it depends on the pacman configuration.
 */
export function parseStepDocument(value: unknown): PacmanStep[] {
  const document = object(value, 'the step document', ['version', 'steps']);
  if (document.version !== STEP_DOCUMENT_VERSION) {
    throw new StepDocumentError(
      `version must be ${STEP_DOCUMENT_VERSION}, got ${describe(document.version)}`,
    );
  }
  const steps = list(document.steps, 'steps', MAX_STEPS);
  return steps.map((step, index) => parseStep(step, `steps[${index}]`));
}

/** The same checks on steps built in this process (they never pass through JSON there). */
export function assertValidSteps(steps: readonly PacmanStep[]): void {
  parseStepDocument(JSON.parse(JSON.stringify({ version: STEP_DOCUMENT_VERSION, steps })));
}

function parseStep(value: unknown, where: string): PacmanStep {
  const action =
    typeof value === 'object' && value !== null ? (value as { action?: unknown }).action : undefined;
  switch (action) {
    case 'download': {
      const step = object(value, where, ['action', 'dbpath', 'packages']);
      if (
        typeof step.dbpath !== 'string' ||
        !isNormalAbsolutePath(step.dbpath) ||
        step.dbpath.length > MAX_FILE_LENGTH
      ) {
        throw new StepDocumentError(
          `${where}.dbpath ${describe(step.dbpath)} is not an absolute, normal path`,
        );
      }
      const packages = list(step.packages, `${where}.packages`, MAX_PACKAGES_PER_STEP).map((target, index) =>
        parseDownloadTarget(target, `${where}.packages[${index}]`),
      );
      unique(
        packages.map((target) => target.name),
        `${where}.packages`,
      );
      return { action, dbpath: step.dbpath, packages };
    }
    case 'upgrade': {
      const step = object(value, where, ['action', 'packages', 'remove_conflicting']);
      if (typeof step.remove_conflicting !== 'boolean') {
        throw new StepDocumentError(`${where}.remove_conflicting must be true or false`);
      }
      const packages = list(step.packages, `${where}.packages`, MAX_PACKAGES_PER_STEP).map((target, index) =>
        parseTarget(target, `${where}.packages[${index}]`),
      );
      unique(
        packages.map((target) => target.name),
        `${where}.packages`,
      );
      return { action, packages, remove_conflicting: step.remove_conflicting };
    }
    case 'reason': {
      const step = object(value, where, ['action', 'reason', 'packages']);
      if (step.reason !== 'dependency' && step.reason !== 'explicit') {
        throw new StepDocumentError(
          `${where}.reason must be "dependency" or "explicit", got ${describe(step.reason)}`,
        );
      }
      return { action, reason: step.reason, packages: names(step.packages, `${where}.packages`) };
    }
    case 'remove': {
      object(value, where, ['action', 'packages']);
      return { action, packages: names((value as { packages: unknown }).packages, `${where}.packages`) };
    }
    default:
      throw new StepDocumentError(
        `${where}.action must be "download", "upgrade", "reason" or "remove", got ${describe(action)}`,
      );
  }
}

function parseDownloadTarget(value: unknown, where: string): DownloadTarget {
  const target = object(value, where, ['repository', 'name']);
  if (!isValidRepositoryName(target.repository)) {
    throw new StepDocumentError(
      `${where}.repository ${describe(target.repository)} is not a repository name`,
    );
  }
  if (!isValidPackageName(target.name)) {
    throw new StepDocumentError(`${where}.name ${describe(target.name)} is not a package name`);
  }
  return { repository: target.repository, name: target.name };
}

function parseTarget(value: unknown, where: string): UpgradeTarget {
  const target = object(value, where, ['name', 'version', 'file']);
  if (!isValidPackageName(target.name)) {
    throw new StepDocumentError(`${where}.name ${describe(target.name)} is not a package name`);
  }
  if (!isValidPackageVersion(target.version)) {
    throw new StepDocumentError(`${where}.version ${describe(target.version)} is not a package version`);
  }
  const file = target.file;
  if (
    typeof file !== 'string' ||
    file.length === 0 ||
    file.length > MAX_FILE_LENGTH ||
    // eslint-disable-next-line no-control-regex -- a control character in a path or name is refused
    /[\0-\x1f\x7f]/.test(file)
  ) {
    throw new StepDocumentError(`${where}.file ${describe(file)} is not a path or URL`);
  }
  if (targetFileName(file) === null) {
    throw new StepDocumentError(
      `${where}.file ${describe(file)} is neither an absolute, normal path nor a canonical URL (${DOWNLOAD_SCHEMES.map((scheme) => scheme.slice(0, -1)).join(', ')})`,
    );
  }
  const checked = { name: target.name, version: target.version, file };
  if (!targetMatchesFile(checked)) {
    throw new StepDocumentError(
      `${where}.file ${describe(file)} is not a package file of ${target.name} ${target.version}`,
    );
  }
  return checked;
}

/** The file is an absolute normal path or canonical URL whose file name is this package at this version. */
export function targetMatchesFile(target: UpgradeTarget): boolean {
  const fileName = targetFileName(target.file);
  const parsed = fileName === null ? null : parsePackageFileName(fileName);
  return parsed !== null && parsed.name === target.name && parsed.version === target.version;
}

/** The file name a path or URL ends in, or null when it is neither an absolute normal path nor a canonical URL. */
export function targetFileName(file: string): string | null {
  if (isUrl(file)) {
    let url: URL;
    try {
      url = new URL(file);
    } catch {
      return null;
    }
    // Canonical only: what pacman receives is exactly what was checked (no `..`, no credentials, no query).
    if (url.href !== file || !DOWNLOAD_SCHEMES.includes(url.protocol)) return null;
    if (url.username || url.password || url.search || url.hash) return null;
    const segment = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
    try {
      return decodeURIComponent(segment);
    } catch {
      return null;
    }
  }
  if (!file.startsWith('/') || posix.normalize(file) !== file || file.endsWith('/')) return null;
  return posix.basename(file);
}

/** Anything with a scheme is a URL to pacman; the rest are paths. */
export function isUrl(file: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(file);
}

function names(value: unknown, where: string): string[] {
  const packages = list(value, where, MAX_PACKAGES_PER_STEP);
  packages.forEach((name, index) => {
    if (!isValidPackageName(name)) {
      throw new StepDocumentError(`${where}[${index}] ${describe(name)} is not a package name`);
    }
  });
  unique(packages as string[], where);
  return packages as string[];
}

function unique(values: readonly string[], where: string): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) throw new StepDocumentError(`${where} names ${value} twice`);
    seen.add(value);
  }
}

function list(value: unknown, where: string, max: number): unknown[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > max) {
    throw new StepDocumentError(`${where} must be a list of 1 to ${max} entries`);
  }
  return value;
}

function object(value: unknown, where: string, fields: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StepDocumentError(`${where} must be an object`);
  }
  const record = value as Record<string, unknown>;
  const extra = Object.keys(record).filter((key) => !fields.includes(key));
  if (extra.length > 0) throw new StepDocumentError(`${where} has unknown field ${describe(extra[0])}`);
  const absent = fields.filter((field) => !Object.hasOwn(record, field));
  if (absent.length > 0) throw new StepDocumentError(`${where} lacks ${describe(absent[0])}`);
  return record;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export interface StepListener {
  /**
   * Before a step starts: a last check that may refuse it by throwing (pacman-sync-privileged looks at the
   * files a download step before has just put into the cache).
   */
  beforeStep?: (index: number, step: PacmanStep) => Promise<void>;
  /** A step is about to start (0-based index in the list). */
  onStep?: (index: number, step: PacmanStep) => void;
  /** A line of pacman's output, stdout and stderr in arrival order. */
  onLine?: (index: number, line: string) => void;
  /** The step's pacman exited with this code. */
  onExit?: (index: number, code: number) => void;
}

export interface StepsOutcome {
  /** Each step's output lines, for the steps that ran. */
  lines: string[][];
  /** The step that failed and pacman's exit code; null when every step succeeded. */
  failed: { index: number; exitCode: number } | null;
}

/**
 * Runs the steps in order with pacman (stdin closed), stopping at the first that fails. The adapter calls
 * this when the client is root, pacman-sync-privileged when it is not: one implementation for both.
 */
export async function runPacmanSteps(options: {
  command: string;
  globals: readonly string[];
  steps: readonly PacmanStep[];
  runner: ProcessRunner;
  env?: NodeJS.ProcessEnv;
  listener?: StepListener;
}): Promise<StepsOutcome> {
  const { command, globals, steps, runner, env, listener } = options;
  const lines: string[][] = [];
  for (const [index, step] of steps.entries()) {
    await listener?.beforeStep?.(index, step);
    listener?.onStep?.(index, step);
    const run: RunOptions = { onLine: (line) => listener?.onLine?.(index, line), env };
    const result: ProcessResult = await runner.run(command, [...globals, ...stepArguments(step)], run);
    lines.push(result.lines);
    listener?.onExit?.(index, result.exitCode);
    if (result.exitCode !== 0) return { lines, failed: { index, exitCode: result.exitCode } };
  }
  return { lines, failed: null };
}
