import { existsSync, lstatSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { ConfigError } from '../core/config/ini';
import { parsePacmanConf } from '../core/pacman/pacman-conf';
import {
  isUrl,
  packageCount,
  PacmanStep,
  parseStepDocument,
  runPacmanSteps,
  StepDocumentError,
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
 * directly in one of the configured cache directories), and the package count the prompt announced. Only
 * then does it run the steps with the administrator's pacman, stdin closed, and stream pacman's output.
 * Returns the exit code (0, 1 when a step failed, 2 when refused).
 */
export async function runPrivileged(run: PrivilegedRun): Promise<number> {
  const emit = (event: PrivilegedEvent) => run.stdout.write(encodeEvent(event));
  const runner = run.runner ?? new SpawnProcessRunner();
  let target: PrivilegedTarget;
  let steps: PacmanStep[];
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
    await assertLocalFilesInCache(steps, target, runner);
  } catch (error) {
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
    throw error;
  }
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
 * one of the target's cache directories (which must be root's too), reached without a symbolic link.
 */
async function assertLocalFilesInCache(
  steps: readonly PacmanStep[],
  target: PrivilegedTarget,
  runner: ProcessRunner,
): Promise<void> {
  const local = steps.flatMap((step) =>
    step.action === 'upgrade' ? step.packages.map((entry) => entry.file).filter((file) => !isUrl(file)) : [],
  );
  if (local.length === 0) return;
  const cacheDirs = (await cacheDirsOf(target, runner)).flatMap((dir) => {
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

/** The target's cache directories as pacman sees them: its cachedir option, else its pacman.conf's. */
async function cacheDirsOf(target: PrivilegedTarget, runner: ProcessRunner): Promise<string[]> {
  if (target.globals.cachedir) return [target.globals.cachedir];
  const sibling = join(dirname(target.command), 'pacman-conf');
  const args: string[] = [];
  if (target.globals.config) args.push(`--config=${target.globals.config}`);
  if (target.globals.root) args.push(`--rootdir=${target.globals.root}`);
  const result = await runner.run(existsSync(sibling) ? sibling : 'pacman-conf', args, {
    env: PACMAN_ENVIRONMENT,
  });
  if (result.exitCode !== 0) throw new Refusal(`pacman-conf failed: ${result.lines.slice(-1)[0] ?? ''}`);
  const dirs = parsePacmanConf(result.stdout).options.get('CacheDir') ?? ['/var/cache/pacman/pkg'];
  return dirs.map((dir) => dir.replace(/(.)\/+$/, '$1'));
}
