import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { ConfigError } from '../core/config/ini';
import { confOption, PacmanConfDump, parsePacmanConf } from '../core/pacman/pacman-conf';
import {
  DownloadStep,
  isUrl,
  packageCount,
  PacmanStep,
  parseStepDocument,
  runPacmanSteps,
  StepDocumentError,
  UpgradeStep,
} from '../core/pacman/pacman-steps';
import {
  encodeEvent,
  globalArguments,
  parseRequestArguments,
  PRIVILEGED_EXIT,
  PrivilegedEvent,
  RequestError,
} from '../core/pacman/privileged-protocol';
import { ProcessRunner, ProgramNotFoundError, SpawnProcessRunner } from '../core/pacman/process-runner';
import {
  findTarget,
  loadPrivilegedConfig,
  PrivilegedTarget,
  TargetNotAllowedError,
} from './privileged-config';

/** Far more than the steps of a whole system's packages; a bigger input is refused unread. */
const MAX_INPUT_BYTES = 8 * 1024 * 1024;

/** Arch's largest sync database is a few MiB; a bigger file named as one is refused. */
const MAX_SYNC_DB_BYTES = 512 * 1024 * 1024;

/** pacman and its scriptlets get this PATH and LC_ALL=C, and nothing else of the caller's environment. */
const PACMAN_ENVIRONMENT = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin:/bin' };

export interface PrivilegedRun {
  argv: readonly string[];
  stdin: AsyncIterable<Buffer | string>;
  stdout: { write(text: string): unknown };
  /** The administrator's file; the installed program passes PRIVILEGED_CONFIG_FILE, never a caller. */
  configFile: string;
  runner?: ProcessRunner;
  /** The effective user id (tests of the refusal as non-root inject it). */
  euid?: number;
}

/** A request refused before pacman started. */
class Refusal extends Error {}

/**
 * pacman-sync-privileged: runs as root, started once per plan by a client that is not root. It believes
 * nothing the caller says until it has checked it: the command line (only --pool, --packages and the
 * global options of a root the administrator allows), the step document on stdin (exactly its format,
 * names, versions and reasons by the shared rules, each file a canonical URL or a root-owned package file
 * directly in one of the configured cache directories), and the package count the prompt announced. A
 * download step's databases are copied from the caller's directory into one of its own. Only then does it
 * run the steps with the administrator's pacman, stdin closed, and stream pacman's output.
 * Returns the exit code (0, 1 when a step failed, 2 when refused).
 */
export async function runPrivileged(run: PrivilegedRun): Promise<number> {
  const emit = (event: PrivilegedEvent) => run.stdout.write(encodeEvent(event));
  const runner = run.runner ?? new SpawnProcessRunner();
  let target: PrivilegedTarget;
  let steps: PacmanStep[];
  let conf: PacmanConfDump | null = null;
  const copies: string[] = [];
  try {
    if ((run.euid ?? process.geteuid?.() ?? 0) !== 0) {
      throw new Refusal('pacman-sync-privileged must run as root (through sudo or pkexec)');
    }
    const request = parseRequestArguments(run.argv);
    target = findTarget(loadPrivilegedConfig(run.configFile), request.globals);
    steps = parseStepDocument(parseJson(await readInput(run.stdin)));
    const count = packageCount(steps);
    if (count !== request.packages) {
      throw new Refusal(`the command line announces ${request.packages} packages, the steps touch ${count}`);
    }
    conf = await targetConf(target, runner);
    assertLocalFilesInCache(steps, target, conf, { fetchedLater: true });
    steps = steps.map((step) =>
      step.action === 'download' ? withOwnDatabases(step, target, conf!, copies) : step,
    );
  } catch (error) {
    removeCopies(copies);
    if (
      error instanceof Refusal ||
      error instanceof RequestError ||
      error instanceof StepDocumentError ||
      error instanceof TargetNotAllowedError ||
      error instanceof ConfigError
    ) {
      emit({ event: 'fatal', code: 'PRIVILEGE', message: `refused, nothing was started: ${error.message}` });
      return PRIVILEGED_EXIT.REFUSED;
    }
    throw error;
  }

  try {
    const outcome = await runPacmanSteps({
      command: target.command,
      globals: globalArguments(target.globals),
      steps,
      runner,
      env: PACMAN_ENVIRONMENT,
      listener: {
        // A file a download step put into the cache is checked like any cached file once it is there.
        beforeStep: async (index, step) => {
          if (step.action !== 'upgrade') return;
          try {
            assertLocalFilesInCache([step], target, conf!, { fetchedLater: false });
          } catch (error) {
            if (!(error instanceof Refusal)) throw error;
            throw new StepRefusal(index, error.message);
          }
        },
        onStep: (index) => emit({ event: 'step', index }),
        onLine: (index, line) => emit({ event: 'output', index, line }),
        onExit: (index, code) => emit({ event: 'exit', index, code }),
      },
    });
    return outcome.failed ? PRIVILEGED_EXIT.STEP_FAILED : PRIVILEGED_EXIT.OK;
  } catch (error) {
    if (error instanceof ProgramNotFoundError) {
      emit({ event: 'fatal', code: 'PACMAN_MISSING', message: error.message });
      return PRIVILEGED_EXIT.REFUSED;
    }
    if (error instanceof StepRefusal) {
      // The steps before it ran; this one and the rest do not.
      emit({
        event: 'fatal',
        code: 'PRIVILEGE',
        message: `refused step ${error.index + 1}: ${error.message}`,
      });
      return PRIVILEGED_EXIT.REFUSED;
    }
    throw error;
  } finally {
    removeCopies(copies);
  }
}

/** A step refused when its turn came, after the steps before it ran. */
class StepRefusal extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The download step with the caller's databases copied into a directory of this process's own (root's,
 * 0700), `local` pointing at the target's local database: pacman -Sw then reads, locks and writes only
 * root's files, and whatever the caller does to its own directory meanwhile changes nothing. The databases
 * of every repository the target's pacman.conf lists are copied (pacman prepares a transaction with all of
 * them); those the step names must be there. Each is a regular file reached without a symbolic link from
 * the caller's dbpath.
 */
function withOwnDatabases(
  step: DownloadStep,
  target: PrivilegedTarget,
  conf: PacmanConfDump,
  copies: string[],
): DownloadStep {
  const configured = new Set(conf.repositories.map((repository) => repository.name));
  const named = new Set(step.packages.map((entry) => entry.repository));
  for (const repository of named) {
    if (!configured.has(repository)) {
      throw new Refusal(`repository ${repository} is not in the target's pacman configuration`);
    }
  }
  for (const dir of [step.dbpath, join(step.dbpath, 'sync')]) {
    if (!isDirectoryNoLink(dir)) throw new Refusal(`${dir} is not a directory (or is a symbolic link)`);
  }
  const copy = mkdtempSync(join(tmpdir(), 'pacman-sync-privileged-db-'));
  copies.push(copy);
  mkdirSync(join(copy, 'sync'), { mode: 0o755 });
  for (const repository of configured) {
    const source = join(step.dbpath, 'sync', `${repository}.db`);
    let stats;
    try {
      stats = lstatSync(source);
    } catch {
      if (named.has(repository)) throw new Refusal(`${source} does not exist`);
      continue;
    }
    if (!stats.isFile()) throw new Refusal(`${source} is not a regular file`);
    if (stats.size > MAX_SYNC_DB_BYTES) {
      throw new Refusal(`${source} is larger than ${MAX_SYNC_DB_BYTES} bytes`);
    }
    copyFileSync(source, join(copy, 'sync', `${repository}.db`));
  }
  symlinkSync(join(targetDbPath(target, conf), 'local'), join(copy, 'local'));
  return { ...step, dbpath: copy };
}

function isDirectoryNoLink(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

function removeCopies(copies: readonly string[]): void {
  for (const copy of copies) rmSync(copy, { recursive: true, force: true });
}

/** The target's local database directory's parent: its dbpath option, else its pacman.conf's DBPath. */
function targetDbPath(target: PrivilegedTarget, conf: PacmanConfDump): string {
  const dbpath = target.globals.dbpath ?? confOption(conf, 'DBPath') ?? '/var/lib/pacman';
  return dbpath.replace(/(.)\/+$/, '$1');
}

async function readInput(stdin: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    if (size > MAX_INPUT_BYTES)
      throw new Refusal(`the step document is larger than ${MAX_INPUT_BYTES} bytes`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Refusal('stdin is not a JSON step document');
  }
}

/**
 * A local file is installed with pacman's LocalFileSigLevel (Arch: Optional), so the caller may only name
 * a package pacman itself put into the cache: a regular root-owned file, writable by root only, directly in
 * one of the target's cache directories (which must be root's too), reached without a symbolic link. With
 * `fetchedLater`, a file a download step before its upgrade step fetches may not exist yet: it is checked
 * again right before that step.
 */
function assertLocalFilesInCache(
  steps: readonly PacmanStep[],
  target: PrivilegedTarget,
  conf: PacmanConfDump,
  options: { fetchedLater: boolean },
): void {
  const fetched = new Set<string>();
  const local: string[] = [];
  for (const step of steps) {
    if (step.action === 'download') for (const entry of step.packages) fetched.add(entry.name);
    if (step.action !== 'upgrade') continue;
    for (const entry of (step as UpgradeStep).packages) {
      if (isUrl(entry.file)) continue;
      if (options.fetchedLater && fetched.has(entry.name) && !existsSync(entry.file)) continue;
      local.push(entry.file);
    }
  }
  if (local.length === 0) return;
  const cacheDirs = cacheDirsOf(target, conf).flatMap((dir) => {
    try {
      return [realpathSync(dir)];
    } catch {
      return [];
    }
  });
  for (const file of local) {
    let stats;
    let dir: string;
    try {
      stats = lstatSync(file);
      dir = realpathSync(dirname(file));
    } catch {
      throw new Refusal(`${file} does not exist`);
    }
    if (!cacheDirs.includes(dir)) {
      throw new Refusal(`${file} is not in a package cache directory (${cacheDirs.join(', ') || 'none'})`);
    }
    // lstat: a symbolic link is not a regular file, so the file itself cannot point elsewhere.
    if (!stats.isFile() || stats.uid !== 0 || (stats.mode & 0o022) !== 0) {
      throw new Refusal(`${file} is not a regular file that belongs to root and only root may write`);
    }
    const cache = lstatSync(dir);
    if (cache.uid !== 0 || (cache.mode & 0o022) !== 0) {
      throw new Refusal(`the package cache ${dir} must belong to root and be writable by root only`);
    }
  }
}

/** The target's pacman configuration, as its own pacman-conf prints it. */
async function targetConf(target: PrivilegedTarget, runner: ProcessRunner): Promise<PacmanConfDump> {
  const sibling = join(dirname(target.command), 'pacman-conf');
  const args: string[] = [];
  if (target.globals.config) args.push(`--config=${target.globals.config}`);
  if (target.globals.root) args.push(`--rootdir=${target.globals.root}`);
  const result = await runner.run(existsSync(sibling) ? sibling : 'pacman-conf', args, {
    env: PACMAN_ENVIRONMENT,
  });
  if (result.exitCode !== 0) throw new Refusal(`pacman-conf failed: ${result.lines.slice(-1)[0] ?? ''}`);
  return parsePacmanConf(result.stdout);
}

/** The target's cache directories as pacman sees them: its cachedir option, else its pacman.conf's. */
function cacheDirsOf(target: PrivilegedTarget, conf: PacmanConfDump): string[] {
  if (target.globals.cachedir) return [target.globals.cachedir];
  const dirs = conf.options.get('CacheDir') ?? ['/var/cache/pacman/pkg'];
  return dirs.map((dir) => dir.replace(/(.)\/+$/, '$1'));
}
