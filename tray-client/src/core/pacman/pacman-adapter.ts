import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { machine } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  compilePacmanHolds,
  compilePacmanPatterns,
  describeHold,
  FOREIGN_REPOSITORY,
  InstallReason,
  isValidPackageName,
  isValidPackageVersion,
  isValidPacmanConfValue,
  isValidRepositoryName,
  PackageOffer,
  PackageState,
  PacmanHolds,
  planChangeCount,
  PlanItem,
  RepositoryReport,
  SyncPlan,
  SystemState,
} from '@pacman-sync/shared';

import { Environment, PacmanConfig } from '../config/client-config';
import { resolveCacheDir } from '../config/state-dir';
import { firstPresent, probeUrl } from '../sync/archive-probe';
import { PackageSources, RepositoryContents, ResolvedPackage, resolvePackage } from '../sync/package-sources';
import { planSteps, reasonsToSet, ResolvedChange } from '../sync/plan-steps';
import { PacmanProgressParser, ProgressListener } from '../sync/progress';
import {
  fileIdentity,
  LocalDbPackage,
  PackageInfo,
  PackageRelations,
  readLocalDb,
  readPackageInfo,
  readSyncDb,
  readSyncDbNames,
  SyncDbPackage,
} from './alpm-db';
import { PackageFile, listPackageFiles } from './package-files';
import { PacmanError, UnsafeTargetError, failureFromOutput, OUTPUT_TAIL_LINES } from './pacman-errors';
import {
  confArchitectures,
  confOption,
  confSigLevels,
  describeSigLevel,
  PacmanConfDump,
  parsePacmanConf,
  weakerSigLevel,
} from './pacman-conf';
import { transactionConflicts } from './package-conflicts';
import {
  isUrl,
  packageCount,
  PacmanStep,
  runPacmanSteps,
  STEP_DOCUMENT_VERSION,
  StepListener,
  stepName,
  targetMatchesFile,
} from './pacman-steps';
import {
  decodeEvent,
  globalArguments,
  GlobalOptions,
  PRIVILEGED_ENTRY_POINT,
  PrivilegedRequest,
  requestArguments,
} from './privileged-protocol';
import {
  ProcessResult,
  ProcessRunner,
  ProgramNotFoundError,
  RunOptions,
  SpawnProcessRunner,
} from './process-runner';

export interface PacmanAdapterOptions {
  /** What privilege `auto` means when not running as root: sudo for the CLI (default), pkexec for the tray. */
  autoPrivilege?: 'sudo' | 'pkexec';
  /**
   * The private copy of the sync databases; default `$XDG_CACHE_HOME/pacman-sync/db`, for root without an
   * XDG_CACHE_HOME of its own `/var/cache/pacman-sync/db`.
   */
  privateDbPath?: string;
  env?: Environment;
  /** Extra pacman options, for throwaway roots: hooks and log file outside the real system. */
  hookdir?: string;
  logfile?: string;
  runner?: ProcessRunner;
  /** The effective user id (injected by tests of the privilege wrapper). */
  uid?: number;
  /** pacman-sync-privileged; default where the package installs it (tests start a copy of their own). */
  privilegedEntryPoint?: string;
}

export interface ApplyOptions {
  /** Go ahead although the plan lists unavailable packages (they are left as they are). */
  acceptUnavailable?: boolean;
  onProgress?: ProgressListener;
  /** Refresh the private sync database copy before resolving files (default: use it, creating it if absent). */
  refreshDatabases?: boolean;
  /** The pool the plan comes from, for the authorization prompt; asked only when the plan needs one. */
  poolName?: () => Promise<string | null>;
}

/** What an endpoint can install and what it holds, as its repository report and the planner take it. */
export interface EndpointOffer extends PackageOffer {
  cached: Array<{ name: string; version: string }>;
  archive: boolean;
  holds: PacmanHolds;
}

export interface ApplySummary {
  installed: number;
  upgraded: number;
  downgraded: number;
  removed: number;
  /** Install reasons set without a version change. */
  reasonsSet: number;
  /** What went on pacman -U's command lines: a keyring's transaction first, then the plan's, in plan order. */
  files: string[];
  /** The pacman steps, in order (empty when the plan changes nothing). */
  steps: PacmanStep[];
  durationMs: number;
  outputTail: string[];
}

export interface CommandLine {
  program: string;
  args: string[];
}

/**
 * Everything the client does with pacman. Reads go straight to pacman's databases where that is both
 * exact and much faster than parsing pacman's output; every change goes through pacman itself.
 */
export class PacmanAdapter {
  private readonly runner: ProcessRunner;
  private readonly uid: number;
  private readonly privateDbPath: string;

  constructor(
    readonly config: PacmanConfig,
    private readonly options: PacmanAdapterOptions = {},
  ) {
    this.runner = options.runner ?? new SpawnProcessRunner();
    this.uid = options.uid ?? process.getuid?.() ?? 0;
    this.privateDbPath =
      options.privateDbPath ?? defaultPrivateDbPath(config, options.env ?? process.env, this.uid);
  }

  /** pacman's global options for the configured root. */
  globalOptions(): GlobalOptions {
    const globals: GlobalOptions = {};
    const add = (option: keyof GlobalOptions, value: string | null | undefined) => {
      if (value) globals[option] = value;
    };
    add('root', this.config.root);
    add('dbpath', this.config.dbpath);
    add('config', this.config.config);
    add('cachedir', this.config.cachedir);
    add('hookdir', this.options.hookdir);
    add('logfile', this.options.logfile);
    return globals;
  }

  /**
   * How a change reaches pacman: null when this process runs pacman itself (root under `auto`, or
   * `none`), else the one command that starts pacman-sync-privileged through sudo or pkexec for the whole
   * plan. pkexec shows the command line in its prompt, so it says the pool and the number of packages.
   */
  elevation(request: PrivilegedRequest): CommandLine | null {
    const entryPoint = this.options.privilegedEntryPoint ?? PRIVILEGED_ENTRY_POINT;
    const args = requestArguments(request);
    switch (this.effectivePrivilege()) {
      case 'none':
        return null;
      case 'sudo':
        return { program: 'sudo', args: ['--', entryPoint, ...args] };
      case 'pkexec':
        return { program: 'pkexec', args: [entryPoint, ...args] };
    }
  }

  private effectivePrivilege(): 'none' | 'sudo' | 'pkexec' {
    if (this.config.privilege !== 'auto') return this.config.privilege;
    return this.uid === 0 ? 'none' : (this.options.autoPrivilege ?? 'sudo');
  }

  /**
   * The endpoint's pacman version: that of the `pacman` package installed in the managed root (its pkgver,
   * which is what `pacman -V` prints), so no process is needed on an Arch system; `pacman -V` answers
   * for roots without that package (pacman-git, a bare chroot, a test root).
   */
  private versionOf(installed: LocalDbPackage[] | null): Promise<string> {
    const own = installed?.find((pkg) => pkg.name === 'pacman');
    if (own) return Promise.resolve(own.version.replace(/^\d+:/, '').replace(/-[^-]*$/, ''));
    return this.pacmanVersion();
  }

  /** pacman's version; asked once per pacman binary (a pacman upgrade replaces the file, and is noticed). */
  async pacmanVersion(): Promise<string> {
    const program = resolveProgram(this.config.command, this.options.env);
    let identity: string | null;
    try {
      identity = `${program}:${fileIdentity(program)}`;
    } catch {
      identity = null; // not found: running it produces the clear error
    }
    const known = identity === null ? undefined : pacmanVersions.get(identity);
    if (known) return known;
    const asking = this.exec(this.config.command, ['-V']).then((result) => {
      const match = /Pacman v(\S+)/.exec(result.stdout);
      if (result.exitCode !== 0 || !match)
        throw failureFromOutput('pacman -V', result.lines, result.exitCode);
      return match[1];
    });
    if (identity !== null) {
      pacmanVersions.set(identity, asking);
      // A failure is not remembered: the next read asks again.
      asking.catch(() => pacmanVersions.delete(identity));
    }
    return asking;
  }

  /** The effective pacman configuration of the managed root, as pacman-conf reports it. */
  async pacmanConf(): Promise<PacmanConfDump> {
    const args: string[] = [];
    if (this.config.config) args.push(`--config=${this.config.config}`);
    if (this.config.root) args.push(`--rootdir=${this.config.root}`);
    const result = await this.exec(this.pacmanConfProgram(), args);
    if (result.exitCode !== 0) throw failureFromOutput('pacman-conf', result.lines, result.exitCode);
    return parsePacmanConf(result.stdout);
  }

  /** pacman-conf from the same installation as a pacman given by absolute path, else from PATH. */
  private pacmanConfProgram(): string {
    if (!isAbsolute(this.config.command)) return 'pacman-conf';
    const sibling = join(dirname(this.config.command), 'pacman-conf');
    return existsSync(sibling) ? sibling : 'pacman-conf';
  }

  async readInstalledState(): Promise<SystemState> {
    const confPending = this.pacmanConf();
    // Awaited further down; until then a failure must not count as an unhandled rejection.
    confPending.catch(() => undefined);
    // Everything below overlaps with pacman-conf, which only tells where the databases are when
    // pacman.conf moves them from pacman's defaults (then the local database is read again). The sync
    // databases inflate on the thread pool while this thread reads the local database; their names wait
    // in readSyncDbNames' cache for the loop further down.
    const guessedDbpath = withoutTrailingSlash(
      this.config.dbpath ?? join(this.config.root ?? '/', 'var/lib/pacman'),
    );
    // A failure here is only a wrong guess: the databases pacman.conf names are read (and fail) below.
    const speculativeNames = Promise.all(
      listSyncDbs(guessedDbpath).map((file) => readSyncDbNames(file, this.runner).catch(() => [])),
    );
    let installed = readLocalDb(guessedDbpath);
    let versionPending = this.versionOf(installed);
    versionPending.catch(() => undefined);
    await speculativeNames;
    const conf = await confPending;
    const dbpath = this.dbpath(conf);
    if (dbpath !== guessedDbpath) {
      installed = readLocalDb(dbpath);
      versionPending = this.versionOf(installed);
    }
    if (installed === null) {
      // Reporting an empty system would make the server plan to install everything: refuse instead.
      throw new PacmanError(
        'NOT_FOUND',
        `no pacman database at ${join(dbpath, 'local')} (check [pacman] root and dbpath)`,
      );
    }
    const pacmanVersion = await versionPending;
    const repositoryOf = new Map<string, string>();
    // pacman searches repositories in configuration order, so the first one that has a name provides it.
    for (const repository of conf.repositories) {
      const file = join(dbpath, 'sync', `${repository.name}.db`);
      if (!existsSync(file)) continue;
      for (const name of await readSyncDbNames(file, this.runner)) {
        if (!repositoryOf.has(name)) repositoryOf.set(name, repository.name);
      }
    }
    const packages: PackageState[] = installed.map((pkg) => ({
      package_name: pkg.name,
      version: pkg.version,
      repository: repositoryOf.get(pkg.name) ?? FOREIGN_REPOSITORY,
      installed_size: pkg.installedSize,
      dependencies: pkg.dependencies,
      install_reason: pkg.asDependency ? 'dependency' : 'explicit',
    }));
    packages.sort((a, b) => (a.package_name < b.package_name ? -1 : a.package_name > b.package_name ? 1 : 0));
    // SystemState carries one architecture: the first value (CachyOS lists `x86_64 x86_64_v3`).
    return { pacman_version: pacmanVersion, architecture: this.architectures(conf)[0], packages };
  }

  /** Every configured repository with what it offers, from the private sync database copy. */
  async readRepositories(options: { refresh?: boolean } = {}): Promise<RepositoryReport[]> {
    return toRepositoryReports(await this.repositoryContents(options.refresh ?? true));
  }

  /** What this endpoint can install and what its pacman.conf holds, in the shape the shared planner takes. */
  async readPackageOffer(options: { refresh?: boolean } = {}): Promise<EndpointOffer> {
    const conf = await this.pacmanConf();
    const contents = await this.repositoryContents(options.refresh ?? true, conf);
    const installed = readLocalDb(this.dbpath(conf)) ?? [];
    const holds = pacmanHolds(conf, installed, contents);
    return {
      repositories: toRepositoryReports(contents),
      cached: this.cachedFiles(conf).map((file) => ({ name: file.name, version: file.version })),
      archive: this.config.archiveUrl !== null,
      // Only what the server accepts: a value pacman.conf allows but the API does not is still held here.
      holds: {
        ignore_pkg: holds.ignore_pkg.filter(isValidPacmanConfValue),
        ignore_group: holds.ignore_group.filter(isValidPacmanConfValue),
        ignored_group_members: holds.ignored_group_members.filter(
          (member) => isValidPackageName(member.package_name) && isValidPacmanConfValue(member.group),
        ),
      },
    };
  }

  async readCachedPackages(): Promise<PackageFile[]> {
    return this.cachedFiles(await this.pacmanConf());
  }

  private cachedFiles(conf: PacmanConfDump): PackageFile[] {
    return this.cacheDirs(conf).flatMap((dir) => listPackageFiles(dir));
  }

  /**
   * Applies a sync plan as ordered pacman steps: a keyring it installs or upgrades first, in a transaction of
   * its own; every other install, upgrade and downgrade resolved to an exact file and installed in ONE
   * `pacman -U` transaction (repository files fetched first by `pacman -Sw`, which tries every mirror and
   * checks each file with its repository's SigLevel); then the install reasons that still differ; then ONE
   * `pacman -R` for removals. A client that is not root starts ONE elevated process for all of them. A plan
   * that changes a package this machine's pacman.conf holds, unless the pool overrides the hold, is refused
   * before anything starts.
   */
  async applyPlan(plan: SyncPlan, options: ApplyOptions = {}): Promise<ApplySummary> {
    const started = Date.now();
    const changes: Array<Omit<ResolvedChange, 'file'>> = [
      ...plan.install.map((item) => ({ item, change: 'install' as const })),
      ...plan.upgrade.map((item) => ({ item, change: 'upgrade' as const })),
      ...plan.downgrade.map((item) => ({ item, change: 'downgrade' as const })),
    ];
    const items = changes.map((change) => change.item);
    assertSafePlan(plan);
    if (plan.unavailable.length > 0 && !options.acceptUnavailable) {
      const list = plan.unavailable.map((item) => `${item.package_name} ${item.wanted_version}`).join(', ');
      throw new PacmanError('PLAN_UNAVAILABLE', `the plan wants versions nothing offers: ${list}`);
    }
    const progress = options.onProgress ?? (() => undefined);
    if (planChangeCount(plan) === 0) {
      // Nothing to change: no database is read or refreshed, no pacman and no elevation is started.
      progress({ phase: 'done', current: 1, total: 1, package: null, message: 'done' });
      return {
        installed: 0,
        upgraded: 0,
        downgraded: 0,
        removed: 0,
        reasonsSet: 0,
        files: [],
        steps: [],
        durationMs: Date.now() - started,
        outputTail: [],
      };
    }

    const conf = await this.pacmanConf();
    const dbpath = this.dbpath(conf);
    const installed = readLocalDb(dbpath) ?? [];
    const repositories = await this.repositoryContents(options.refreshDatabases ?? false, conf);
    assertHoldsRespected(plan, compilePacmanHolds(pacmanHolds(conf, installed, repositories)));

    const resolvedChanges: ResolvedChange[] = [];
    let removedWithInstalls = new Set<string>();
    if (items.length > 0) {
      progress({
        phase: 'resolve',
        current: 0,
        total: items.length,
        package: null,
        message: 'resolving package files',
      });
      const sources = this.packageSources(conf, repositories);
      const missing: string[] = [];
      for (const change of changes) {
        const found = await this.resolveFile(change.item, sources);
        if (found)
          resolvedChanges.push({ ...change, file: { ...found, target: canonicalTarget(found.target) } });
        else missing.push(`${change.item.package_name} ${change.item.to_version}`);
      }
      if (missing.length > 0) {
        throw new PacmanError(
          'NOT_FOUND',
          `no cache file, repository or archive offers: ${missing.join(', ')} (configure [pacman] archive_url to reach older versions)`,
        );
      }
      for (const { item, file } of resolvedChanges) {
        const target = { name: item.package_name, version: item.to_version, file: file.target };
        if (!targetMatchesFile(target)) throw new UnsafeTargetError('package file', target.file);
      }
      assertArchiveSignatureChecks(resolvedChanges, conf);
      const infos = new Map<string, Promise<PackageInfo | null>>();
      await this.assertGroupHoldsOfFiles(resolvedChanges, conf, plan, infos);
      removedWithInstalls = await this.conflictRemovals(resolvedChanges, sources, installed, plan, infos);
    }

    const steps = planSteps({
      changes: resolvedChanges,
      privateDbPath: this.privateDbPath,
      removeConflicting: removedWithInstalls.size > 0,
      reasons: reasonsToSet(
        items,
        plan.reasons,
        new Map(installed.map((pkg) => [pkg.name, pkg.asDependency ? 'dependency' : 'explicit'] as const)),
      ),
      removals: plan.remove.map((item) => item.package_name).filter((name) => !removedWithInstalls.has(name)),
    });
    const output = await this.runSteps(steps, {
      poolName: options.poolName ?? (() => Promise.resolve(null)),
      dbpath,
      listener: this.progressListener(steps, progress, removedWithInstalls.size),
    });
    progress({ phase: 'done', current: 1, total: 1, package: null, message: 'done' });
    return {
      installed: plan.install.length,
      upgraded: plan.upgrade.length,
      downgraded: plan.downgrade.length,
      removed: plan.remove.length,
      reasonsSet: plan.reasons.length,
      files: steps.flatMap((step) =>
        step.action === 'upgrade' ? step.packages.map((target) => target.file) : [],
      ),
      steps,
      durationMs: Date.now() - started,
      outputTail: output.filter((line) => line.trim() !== '').slice(-OUTPUT_TAIL_LINES),
    };
  }

  /** The file for one planned version; an archive file is looked for as `.pkg.tar.zst`, then `.pkg.tar.xz`. */
  private async resolveFile(item: PlanItem, sources: PackageSources): Promise<ResolvedPackage | null> {
    const found = resolvePackage(item.package_name, item.to_version, item.repository, sources);
    if (found?.kind !== 'archive') return found;
    const target = await firstPresent(found.candidates, probeUrl);
    return target === null ? null : { ...found, target };
  }

  /**
   * IgnoreGroup also holds a package by the groups its new file declares, which only the file knows when no
   * database lists it (a cache file of a version the repositories dropped).
   */
  private async assertGroupHoldsOfFiles(
    changes: readonly ResolvedChange[],
    conf: PacmanConfDump,
    plan: SyncPlan,
    infos: Map<string, Promise<PackageInfo | null>>,
  ): Promise<void> {
    const ignoredGroup = compilePacmanPatterns(conf.options.get('IgnoreGroup') ?? []);
    const overridden = new Set(plan.overridden_holds.map((hold) => hold.package_name));
    const held: string[] = [];
    for (const change of changes) {
      if (change.file.kind !== 'file' || overridden.has(change.item.package_name)) continue;
      const info = await this.fileRelations(change, infos);
      const group = info?.groups.find((name) => ignoredGroup(name) !== null);
      if (group !== undefined) {
        held.push(
          `${change.item.package_name} (${describeHold({ reason: 'ignore_group', held_by: group })})`,
        );
      }
    }
    if (held.length > 0) throw heldError(held);
  }

  /**
   * pacman's output as progress, with counts from the plan (pacman prints none off a terminal). One parser
   * for the downloads and upgrades of the whole plan: a keyring's own transaction counts towards the same
   * totals; pacman downloads what -Sw fetches and the URLs -U gets.
   */
  private progressListener(
    steps: readonly PacmanStep[],
    progress: ProgressListener,
    removedWithInstalls: number,
  ): StepListener {
    const totals = { install: 0, remove: removedWithInstalls, download: 0 };
    for (const step of steps) {
      if (step.action === 'download') totals.download += step.packages.length;
      if (step.action === 'upgrade') {
        totals.install += step.packages.length;
        totals.download += step.packages.filter((target) => isUrl(target.file)).length;
      }
    }
    const upgrades = new PacmanProgressParser(totals, progress);
    const reasonSteps = steps.filter((step) => step.action === 'reason').length;
    let reasonStep = 0;
    let parser: PacmanProgressParser | null = null;
    return {
      onStep: (_, step) => {
        if (step.action === 'upgrade' || step.action === 'download') parser = upgrades;
        else if (step.action === 'remove') {
          parser = new PacmanProgressParser(
            { install: 0, remove: step.packages.length, download: 0 },
            progress,
          );
        } else {
          parser = null;
          const message = stepName(step);
          progress({ phase: 'reason', current: ++reasonStep, total: reasonSteps, package: null, message });
        }
      },
      onLine: (_, line) => parser?.accept(line),
    };
  }

  /**
   * Runs the steps in order, stopping at the first that fails: in this process when it may run pacman
   * itself, otherwise through ONE start of pacman-sync-privileged for all of them. Returns pacman's output.
   */
  private async runSteps(
    steps: readonly PacmanStep[],
    context: { poolName: () => Promise<string | null>; dbpath: string; listener: StepListener },
  ): Promise<string[]> {
    if (steps.length === 0) return [];
    const output: string[] = [];
    const stepLines: string[][] = steps.map(() => []);
    const listener: StepListener = {
      onStep: (index, step) => context.listener.onStep?.(index, step),
      onLine: (index, line) => {
        output.push(line);
        stepLines[index]?.push(line);
        context.listener.onLine?.(index, line);
      },
    };
    const globals = this.globalOptions();
    const pool = this.effectivePrivilege() === 'none' ? null : await context.poolName();
    const elevation = this.elevation({ pool, packages: packageCount(steps), globals });
    const failed = elevation
      ? await this.runElevated(elevation, steps, listener)
      : (
          await runPacmanSteps({
            command: this.config.command,
            globals: globalArguments(globals),
            steps,
            runner: { run: (program, args, options) => this.exec(program, args, options) },
            listener,
          })
        ).failed;
    if (failed) {
      const step = steps[failed.index];
      throw failureFromOutput(stepName(step), stepLines[failed.index], failed.exitCode, {
        // Another pacman's lock outlives our pacman's failure; this holds in every locale. -Sw locks the
        // private database copy, never the system's.
        lockPresent: existsSync(join(step.action === 'download' ? step.dbpath : context.dbpath, 'db.lck')),
      });
    }
    return output;
  }

  /**
   * Starts pacman-sync-privileged once with the steps on stdin and follows its events. It stops at the first
   * failing step like runPacmanSteps; when sudo, pkexec or the entry point itself refuses, or it ends without
   * finishing every step, that is a PRIVILEGE error saying whether anything had started.
   */
  private async runElevated(
    elevation: CommandLine,
    steps: readonly PacmanStep[],
    listener: StepListener,
  ): Promise<{ index: number; exitCode: number } | null> {
    const other: string[] = [];
    const exits = new Map<number, number>();
    let started = 0;
    const fatal: Array<{ code: 'PRIVILEGE' | 'PACMAN_MISSING'; message: string }> = [];
    const result = await this.exec(elevation.program, elevation.args, {
      input: JSON.stringify({ version: STEP_DOCUMENT_VERSION, steps }),
      onLine: (line) => {
        const event = decodeEvent(line);
        if (
          event === null ||
          (event.event !== 'fatal' && !(event.index >= 0 && event.index < steps.length))
        ) {
          other.push(line);
          return;
        }
        switch (event.event) {
          case 'step':
            started++;
            listener.onStep?.(event.index, steps[event.index]);
            break;
          case 'output':
            listener.onLine?.(event.index, event.line);
            break;
          case 'exit':
            exits.set(event.index, event.code);
            break;
          case 'fatal':
            fatal.push({ code: event.code, message: event.message });
            break;
        }
      },
    });
    const tail = other.filter((line) => line.trim() !== '').slice(-OUTPUT_TAIL_LINES);
    if (fatal.length > 0) {
      const { code, message } = fatal[0];
      throw new PacmanError(code, `pacman-sync-privileged ${message}`, tail, result.exitCode);
    }
    for (const [index, code] of exits) if (code !== 0) return { index, exitCode: code };
    if (steps.every((_, index) => exits.get(index) === 0)) return null;
    const said = tail[tail.length - 1] ?? `exit code ${result.exitCode}`;
    const changed =
      started === 0 ? 'nothing was changed' : `it stopped during ${stepName(steps[started - 1])}`;
    throw new PacmanError(
      'PRIVILEGE',
      `${elevation.program} did not run pacman-sync-privileged to the end (${said}); ${changed}`,
      tail,
      result.exitCode,
    );
  }

  /**
   * The installed packages pacman will remove inside the `-U` transaction because what the plan installs
   * conflicts with them (in either direction, by name, version or provision, as libalpm matches). Each
   * must be one the plan removes anyway; anything else is refused before pacman starts, because pacman
   * would otherwise either stop (and --noconfirm says no) or remove a package the target keeps.
   */
  private async conflictRemovals(
    changes: readonly ResolvedChange[],
    sources: PackageSources,
    installed: readonly LocalDbPackage[],
    plan: SyncPlan,
    infos: Map<string, Promise<PackageInfo | null>>,
  ): Promise<Set<string>> {
    const known: PackageRelations[] = [];
    const unknown: string[] = [];
    for (const change of changes) {
      const relations = await this.relationsOf(change, sources, infos);
      if (relations) known.push(relations);
      else unknown.push(`${change.item.package_name} ${change.item.to_version}`);
    }
    const { removals, betweenTargets } = transactionConflicts(known, installed);
    if (betweenTargets.length > 0) {
      // pacman would stop, or silently leave one of them out of the transaction when one provides the other.
      const pairs = betweenTargets.map((c) => `${c.declaredBy} conflicts with ${c.matched} ("${c.reason}")`);
      throw new PacmanError(
        'PACKAGE_CONFLICT',
        `the plan installs packages that conflict with each other: ${pairs.join('; ')}; nothing was changed`,
      );
    }
    const removing = new Set(plan.remove.map((item) => item.package_name));
    const kept = removals.filter((conflict) => !removing.has(conflict.installed));
    if (kept.length > 0) {
      const reasons = kept.map((c) =>
        c.installed === c.matched
          ? `${c.declaredBy} conflicts with installed ${c.installed} ("${c.reason}")`
          : `installed ${c.installed} conflicts with ${c.matched} ("${c.reason}")`,
      );
      const names = [...new Set(kept.map((conflict) => conflict.installed))].join(', ');
      throw new PacmanError(
        'PACKAGE_CONFLICT',
        `installing the plan would remove ${names}, which the plan keeps: ${reasons.join('; ')}; nothing was changed`,
      );
    }
    if (removals.length > 0 && unknown.length > 0) {
      throw new PacmanError(
        'PACKAGE_CONFLICT',
        `the plan replaces conflicting packages (${[...new Set(removals.map((c) => c.installed))].join(', ')}), ` +
          `but what ${unknown.join(', ')} conflicts with is known only once pacman has downloaded it, so pacman ` +
          'may not be allowed to remove conflicting packages; nothing was changed',
      );
    }
    return new Set(removals.map((conflict) => conflict.installed));
  }

  /**
   * What a resolved file declares: the sync database entry it is checked against, or a local file's own
   * .PKGINFO. An archive file is read by pacman only after it downloads it.
   */
  private async relationsOf(
    change: ResolvedChange,
    sources: PackageSources,
    infos: Map<string, Promise<PackageInfo | null>>,
  ): Promise<PackageRelations | null> {
    const { item, file } = change;
    if (file.kind === 'sync') {
      const entry = sources.repositories
        .find((repository) => repository.name === file.repository)
        ?.packages.find((pkg) => pkg.name === item.package_name && pkg.version === item.to_version);
      return entry ?? null;
    }
    // A file:// archive is on this machine already; any other is read by pacman only once it downloads it.
    if (file.kind === 'file' || file.target.startsWith('file://')) return this.fileRelations(change, infos);
    return null;
  }

  /** A local package file's .PKGINFO, read once per file; null when it is not the package it is said to be. */
  private fileRelations(
    { item, file }: ResolvedChange,
    infos: Map<string, Promise<PackageInfo | null>>,
  ): Promise<PackageInfo | null> {
    const known = infos.get(file.target);
    if (known) return known;
    const path = file.target.startsWith('file://') ? fileURLToPath(file.target) : file.target;
    const reading = readPackageInfo(path, this.runner).then(
      (info) => (info.name === item.package_name && info.version === item.to_version ? info : null),
      // A damaged file: pacman refuses it itself, with its own message.
      () => null,
    );
    infos.set(file.target, reading);
    return reading;
  }

  private packageSources(conf: PacmanConfDump, repositories: RepositoryContents[]): PackageSources {
    return {
      cache: this.cachedFiles(conf),
      cacheDirs: this.cacheDirs(conf),
      repositories,
      archiveUrl: this.config.archiveUrl,
      architectures: this.architectures(conf),
    };
  }

  private async repositoryContents(refresh: boolean, known?: PacmanConfDump): Promise<RepositoryContents[]> {
    const conf = known ?? (await this.pacmanConf());
    const syncDir = join(this.privateDbPath, 'sync');
    const present = conf.repositories.every((repository) =>
      existsSync(join(syncDir, `${repository.name}.db`)),
    );
    // pacman -Sy refuses a configuration without repositories; there is simply nothing to read.
    if (conf.repositories.length === 0) return [];
    if (refresh || !present) await this.refreshPrivateDb(conf);
    const contents: RepositoryContents[] = [];
    for (const repository of conf.repositories) {
      const file = join(syncDir, `${repository.name}.db`);
      const packages: SyncDbPackage[] = existsSync(file) ? await readSyncDb(file, this.runner) : [];
      contents.push({ name: repository.name, servers: repository.servers, packages });
    }
    return contents;
  }

  /**
   * Refreshes the private copy of the sync databases the way pacman-contrib's checkupdates does: start
   * from the system's copies (so an unchanged repository is not downloaded again), point `local` at the
   * real local database, and run `pacman -Sy` against the copy. The system's own sync databases, and
   * its lock, are never touched.
   */
  private async refreshPrivateDb(conf: PacmanConfDump): Promise<void> {
    const dbpath = this.dbpath(conf);
    const syncDir = join(this.privateDbPath, 'sync');
    // Only a pacman that honours DownloadUser (pacman 7's download sandbox) prints it: the feature, not a
    // version number, decides. Such a pacman, as root, downloads as that user into sync/download-XXXXXX,
    // so that user must be able to enter the copy's directories, as it enters /var/lib/pacman/sync.
    const downloadUser = confOption(conf, 'DownloadUser');
    mkdirSync(syncDir, { recursive: true, mode: 0o755 });
    if (downloadUser && this.uid === 0) {
      for (const dir of [this.privateDbPath, syncDir]) allowOthersToEnter(dir);
    }
    const localLink = join(this.privateDbPath, 'local');
    const localTarget = join(dbpath, 'local');
    let linked: string | null;
    try {
      linked = readlinkSync(localLink);
    } catch {
      linked = null;
    }
    if (linked !== localTarget) {
      // The link is ours; it is stale when [pacman] root or dbpath changed since the last refresh.
      rmSync(localLink, { force: true });
      symlinkSync(localTarget, localLink);
    }
    for (const repository of conf.repositories) {
      const systemCopy = join(dbpath, 'sync', `${repository.name}.db`);
      const privateCopy = join(syncDir, `${repository.name}.db`);
      if (!existsSync(systemCopy)) continue;
      const source = statSync(systemCopy);
      if (existsSync(privateCopy) && statSync(privateCopy).mtimeMs >= source.mtimeMs) continue;
      copyFileSync(systemCopy, privateCopy);
      // pacman decides whether to download by the file's time, so the copy keeps the original's.
      utimesSync(privateCopy, source.atime, source.mtime);
    }
    const args = [`--dbpath=${this.privateDbPath}`, '--logfile=/dev/null', '-Sy'];
    if (this.config.root) args.unshift(`--root=${this.config.root}`);
    if (this.config.config) args.unshift(`--config=${this.config.config}`);
    const [program, argv] = this.refreshCommand(args, downloadUser !== null);
    const result = await this.exec(program, argv);
    if (result.exitCode !== 0) {
      const failure = failureFromOutput(
        'refreshing the private sync database copy',
        result.lines,
        result.exitCode,
      );
      const blocked = downloadUser && this.uid === 0 ? closedDirectory(syncDir) : null;
      if (!blocked) throw failure;
      throw new PacmanError(
        failure.code,
        `${failure.message}. pacman downloads as "${downloadUser}" (DownloadUser in pacman.conf), which ` +
          `cannot enter ${blocked}: keep the private copy where that user can reach it (XDG_CACHE_HOME, ` +
          'default /var/cache for root), or let it in (chmod o+x)',
        failure.outputTail,
        failure.exitCode,
      );
    }
  }

  /**
   * pacman insists on root for -Sy. Root runs it as it is, sandbox and all. Anyone else runs it under
   * fakeroot, which is enough for a database the user owns; fakeroot also fakes pacman 7's switch to the
   * download user, so the download runs as the user themself, and no_new_privs lets the kernel apply the
   * sandbox's landlock rules to an unprivileged process (without it pacman 7.0 reports that it could not).
   */
  private refreshCommand(args: string[], sandboxed: boolean): [string, string[]] {
    const command = this.config.command;
    if (this.uid === 0) return [command, args];
    if (sandboxed) return ['setpriv', ['--no-new-privs', 'fakeroot', '--', command, ...args]];
    return ['fakeroot', ['--', command, ...args]];
  }

  private dbpath(conf: PacmanConfDump): string {
    return withoutTrailingSlash(this.config.dbpath ?? confOption(conf, 'DBPath') ?? '/var/lib/pacman');
  }

  private cacheDirs(conf: PacmanConfDump): string[] {
    if (this.config.cachedir) return [this.config.cachedir];
    return conf.options.get('CacheDir') ?? ['/var/cache/pacman/pkg'];
  }

  /** Every Architecture value of pacman.conf, `auto` resolved to the machine's (`uname -m`, as pacman does). */
  private architectures(conf: PacmanConfDump): string[] {
    return confArchitectures(conf, machine());
  }

  private async exec(program: string, args: readonly string[], options?: RunOptions): Promise<ProcessResult> {
    try {
      return await this.runner.run(program, args, options);
    } catch (error) {
      if (error instanceof ProgramNotFoundError) {
        const hint =
          MISSING_PROGRAM_HINTS[basename(program)] ??
          'install pacman, or set [pacman] command in client.conf';
        throw new PacmanError('PACMAN_MISSING', `${error.message} (${hint})`);
      }
      throw error;
    }
  }
}

const MISSING_PROGRAM_HINTS: Partial<Record<string, string>> = {
  'pacman-conf': 'pacman-conf ships with pacman; install pacman',
  fakeroot: 'refreshing the private database copy as a normal user needs fakeroot; install it',
  setpriv:
    'refreshing the private database copy under pacman 7 as a normal user needs setpriv; install util-linux',
  sudo: 'install sudo, or set [pacman] privilege in client.conf',
  pkexec: 'install polkit, or set [pacman] privilege in client.conf',
  bsdtar: 'reading zstd or xz databases needs bsdtar; install libarchive',
};

// Keyed by the binary's path and file identity, shared by every adapter of a long-running client.
const pacmanVersions = new Map<string, Promise<string>>();

/**
 * What this machine's pacman.conf holds: IgnorePkg and IgnoreGroup as configured, and the packages of an
 * ignored group as the local database and the (private copies of the) sync databases list them.
 */
function pacmanHolds(
  conf: PacmanConfDump,
  installed: readonly LocalDbPackage[],
  repositories: readonly RepositoryContents[],
): PacmanHolds {
  const ignoreGroup = conf.options.get('IgnoreGroup') ?? [];
  const ignoredGroup = compilePacmanPatterns(ignoreGroup);
  const members = new Map<string, string>();
  const visit = (name: string, groups: readonly string[]) => {
    if (ignoreGroup.length === 0 || members.has(name)) return;
    const group = groups.find((candidate) => ignoredGroup(candidate) !== null);
    if (group !== undefined) members.set(name, group);
  };
  for (const pkg of installed) visit(pkg.name, pkg.groups);
  for (const repository of repositories) for (const pkg of repository.packages) visit(pkg.name, pkg.groups);
  return {
    ignore_pkg: conf.options.get('IgnorePkg') ?? [],
    ignore_group: ignoreGroup,
    ignored_group_members: [...members]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, group]) => ({ package_name: name, group })),
  };
}

/**
 * The client has the last word on its own pacman.conf: a plan that changes a package it holds is refused
 * whole unless the plan says the pool overrides that hold (a server that ignores or does not know the
 * holds cannot change them behind the machine's back).
 */
function assertHoldsRespected(plan: SyncPlan, holdOf: ReturnType<typeof compilePacmanHolds>): void {
  const overridden = new Set(plan.overridden_holds.map((hold) => hold.package_name));
  const changed = [
    ...[...plan.install, ...plan.upgrade, ...plan.downgrade, ...plan.reasons].map(
      (item) => item.package_name,
    ),
    ...plan.remove.map((item) => item.package_name),
  ];
  const held: string[] = [];
  for (const name of new Set(changed)) {
    const hold = overridden.has(name) ? null : holdOf(name);
    if (hold)
      held.push(`${name} (${hold.reason === 'ignore_group' ? 'IgnoreGroup' : 'IgnorePkg'} ${hold.held_by})`);
  }
  if (held.length > 0) throw heldError(held);
}

function heldError(held: readonly string[]): PacmanError {
  return new PacmanError(
    'PACKAGE_HELD',
    `the plan changes packages this machine's pacman.conf holds, and the pool does not override their holds: ` +
      `${held.join(', ')}; nothing was changed`,
  );
}

/**
 * pacman -U checks a URL with RemoteFileSigLevel. An archive file stands in for a build of one of Arch's
 * repositories, which `pacman -S` would check with that repository's SigLevel: when RemoteFileSigLevel is
 * weaker, the archive is refused rather than trusted less than the repository.
 */
function assertArchiveSignatureChecks(changes: readonly ResolvedChange[], conf: PacmanConfDump): void {
  const levels = confSigLevels(conf);
  for (const { item, file } of changes) {
    if (file.kind !== 'archive') continue;
    const repositoryLevel = levels.repository(file.repository);
    if (!weakerSigLevel(levels.remoteFile, repositoryLevel)) continue;
    throw new PacmanError(
      'SIGNATURE',
      `${item.package_name} ${item.to_version} would come from the archive, whose files pacman -U checks with ` +
        `RemoteFileSigLevel (${describeSigLevel(levels.remoteFile)}), weaker than the SigLevel of ` +
        `[${file.repository}] (${describeSigLevel(repositoryLevel)}); set RemoteFileSigLevel to at least that ` +
        'in pacman.conf; nothing was changed',
    );
  }
}

function toRepositoryReports(contents: readonly RepositoryContents[]): RepositoryReport[] {
  return contents.map((repository) => ({
    repo_name: repository.name,
    repo_url: repository.servers[0] ?? '',
    packages: repository.packages.map((pkg) => ({
      name: pkg.name,
      version: pkg.version,
      architecture: pkg.architecture,
    })),
  }));
}

/** Every name and version that could reach pacman's command line, checked with the shared rules. */
function assertSafePlan(plan: SyncPlan): void {
  for (const item of [...plan.install, ...plan.upgrade, ...plan.downgrade]) {
    if (!isValidPackageName(item.package_name))
      throw new UnsafeTargetError('package name', item.package_name);
    if (!isValidPackageVersion(item.to_version))
      throw new UnsafeTargetError('package version', item.to_version);
    if (!isInstallReason(item.install_reason)) {
      throw new UnsafeTargetError('install reason', String(item.install_reason));
    }
    if (item.repository !== null && !isValidRepositoryName(item.repository)) {
      throw new UnsafeTargetError('repository name', item.repository);
    }
  }
  for (const item of [...plan.remove, ...plan.reasons]) {
    if (!isValidPackageName(item.package_name))
      throw new UnsafeTargetError('package name', item.package_name);
  }
  for (const item of plan.reasons) {
    if (!isInstallReason(item.to_reason))
      throw new UnsafeTargetError('install reason', String(item.to_reason));
  }
}

function isInstallReason(value: unknown): value is InstallReason {
  return value === 'explicit' || value === 'dependency';
}

/**
 * `$XDG_CACHE_HOME/pacman-sync/db` for the system; a managed chroot or test root gets its own
 * directory beside it, so switching between roots never mixes their repositories. Root's client is the
 * system's (the daemon unit sets XDG_CACHE_HOME=/var/cache): without an XDG_CACHE_HOME of its own its copy
 * is in /var/cache as well, where pacman 7's download user can reach it, which it cannot in /root (0700).
 */
export function defaultPrivateDbPath(config: PacmanConfig, env: Environment, uid: number): string {
  const ownCache = env.XDG_CACHE_HOME !== undefined && isAbsolute(env.XDG_CACHE_HOME);
  const cacheDir = uid === 0 && !ownCache ? SYSTEM_CACHE_DIR : resolveCacheDir(env);
  const base = join(cacheDir, 'db');
  if (!config.root && !config.dbpath && !config.config) return base;
  const key = JSON.stringify([config.root, config.dbpath, config.config]);
  return join(base, 'roots', createHash('sha256').update(key).digest('hex').slice(0, 16));
}

const SYSTEM_CACHE_DIR = '/var/cache/pacman-sync';

/** Adds search permission for others to a directory of the private copy (the client's own directories). */
function allowOthersToEnter(dir: string): void {
  const mode = statSync(dir).mode & 0o7777;
  if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o055);
}

/** The first directory on the way to `path` that others may not enter, or null. */
function closedDirectory(path: string): string | null {
  let dir = '/';
  for (const part of path.split('/').filter(Boolean)) {
    dir = join(dir, part);
    try {
      const mode = statSync(dir).mode;
      if ((mode & 0o001) === 0) return `${dir} (mode ${(mode & 0o777).toString(8).padStart(4, '0')})`;
    } catch {
      return null;
    }
  }
  return null;
}

/** A URL as the WHATWG parser writes it (what pacman-sync-privileged insists on); a path as it is. */
function canonicalTarget(target: string): string {
  if (!isUrl(target)) return target;
  try {
    return new URL(target).href;
  } catch {
    return target;
  }
}

function listSyncDbs(dbpath: string): string[] {
  try {
    return readdirSync(join(dbpath, 'sync'))
      .filter((file) => file.endsWith('.db'))
      .map((file) => join(dbpath, 'sync', file));
  } catch {
    return [];
  }
}

function withoutTrailingSlash(path: string): string {
  return path.replace(/(.)\/+$/, '$1');
}

function resolveProgram(command: string, env: Environment | undefined): string {
  if (isAbsolute(command)) return command;
  for (const dir of ((env ?? process.env).PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':')) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if (existsSync(candidate)) return candidate;
  }
  return command;
}
