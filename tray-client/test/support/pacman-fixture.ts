import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { machine, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

import { PacmanConfig, DEFAULT_PACMAN_CONFIG } from '../../src/core/config/client-config';
import { PacmanAdapter, PacmanAdapterOptions } from '../../src/core/pacman/pacman-adapter';
import type { GlobalOptions } from '../../src/core/pacman/privileged-protocol';
import { AdapterUnderTest, DesktopSession } from './desktop-session';
import { defaultVariant, PacmanVariant } from './pacman-variants';
import { allowRoot, harness, SUDO_LOG_VARIABLE } from './privileged-harness';

/**
 * Real packages, repositories and throwaway roots for tests that drive the real pacman binary.
 * Nothing here touches the machine's own pacman setup: every root has its own config, database,
 * cache, hook directory and log. A root belongs to root, as a real system does; which pacman works on it
 * and which user's client drives it is the root's variant (pacman-variants.ts).
 */

export interface PackageSpec {
  name: string;
  /** `[epoch:]pkgver-pkgrel` */
  version: string;
  arch?: string;
  depends?: string[];
  /** .PKGINFO `conflict`, `provides` and `replaces` entries, written as a PKGBUILD would (`foo<2`). */
  conflicts?: string[];
  provides?: string[];
  replaces?: string[];
  /** Paths (relative to the root) the package owns; default `usr/share/<name>/README`. */
  files?: string[];
  /** Contents of some of `files` (relative path → text or bytes); the others hold `<name> <version>`. */
  contents?: Record<string, string | Buffer>;
  /** Package groups (.PKGINFO `group`), what IgnoreGroup matches. */
  groups?: string[];
  /** An install scriptlet (.INSTALL); it runs chrooted in the root, see TestRoot.installHostPrograms. */
  install?: string;
  /** Bytes reported as installed size. */
  size?: number;
}

// Bump when the way packages are built changes, so cached files from an older run are not reused.
const BUILDER_VERSION = 2;
const PACKAGE_STORE = join(tmpdir(), `pacman-sync-test-packages-v${BUILDER_VERSION}`);

/** Fails a test run clearly (never skips) when the tools the integration tests need are absent. */
export function requirePacmanTools(): void {
  for (const tool of ['pacman', 'pacman-conf', 'repo-add', 'bsdtar']) {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new Error(
          `"${tool}" is not installed; the client's integration tests need the real pacman ` +
            '(Debian: apt-get install pacman-package-manager libarchive-tools)',
          { cause: error },
        );
      }
    }
  }
}

export function packageFileName(spec: PackageSpec): string {
  return `${spec.name}-${spec.version}-${spec.arch ?? 'any'}.pkg.tar.gz`;
}

/**
 * Builds a real package file (a gzip'd tar of .PKGINFO and its files) and returns its path. Built files
 * are kept in one directory keyed by their content, so a test run builds each package once.
 */
export function buildPackage(spec: PackageSpec): string {
  const key = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
  const dir = join(PACKAGE_STORE, key);
  const file = join(dir, packageFileName(spec));
  if (existsSync(file)) return file;
  const work = mkdtempSync(join(tmpdir(), 'pacman-sync-pkgbuild-'));
  try {
    const files = spec.files ?? [`usr/share/${spec.name}/README`];
    const lines = [
      `pkgname = ${spec.name}`,
      `pkgbase = ${spec.name}`,
      `pkgver = ${spec.version}`,
      `pkgdesc = ${spec.name} test package`,
      'builddate = 1700000000',
      'packager = pacman-sync tests <tests@example.org>',
      `size = ${spec.size ?? 4096}`,
      `arch = ${spec.arch ?? 'any'}`,
      ...(spec.depends ?? []).map((dep) => `depend = ${dep}`),
      ...(spec.conflicts ?? []).map((conflict) => `conflict = ${conflict}`),
      ...(spec.provides ?? []).map((provision) => `provides = ${provision}`),
      ...(spec.replaces ?? []).map((replaced) => `replaces = ${replaced}`),
      ...(spec.groups ?? []).map((group) => `group = ${group}`),
    ];
    writeFileSync(join(work, '.PKGINFO'), `${lines.join('\n')}\n`);
    const metadata = ['.PKGINFO'];
    if (spec.install !== undefined) {
      writeFileSync(join(work, '.INSTALL'), spec.install);
      metadata.push('.INSTALL');
    }
    for (const path of files) {
      mkdirSync(join(work, dirname(path)), { recursive: true });
      writeFileSync(join(work, path), spec.contents?.[path] ?? `${spec.name} ${spec.version}\n`);
    }
    const topLevel = [...new Set(files.map((path) => path.split('/')[0]))];
    mkdirSync(dir, { recursive: true });
    const partial = `${file}.${process.pid}.part`;
    execFileSync('bsdtar', ['-czf', partial, '-C', work, ...metadata, ...topLevel]);
    // Parallel Jest workers may build the same package; rename makes the last one win atomically.
    renameSync(partial, file);
    return file;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface RepositorySpec {
  name: string;
  packages: PackageSpec[];
  /**
   * Where its working mirror keeps it, under the root's mirror directory, written as a pacman.conf Server
   * path with `$repo` and `$arch` (which pacman expands): `$repo` by default, `$repo/os/$arch` as Arch's
   * mirrors do, `stable/$repo/$arch` as Manjaro's.
   */
  layout?: string;
  /** Servers listed before (`before`) or after the working mirror, e.g. dead mirrors pacman must skip. */
  servers?: { before?: string[]; after?: string[] };
  /** The repository's SigLevel line, when it has one. */
  sigLevel?: string;
  /** Signs every package file with this key (a detached `.sig`, which repo-add puts into the database). */
  signedBy?: SigningKey;
}

/** A key that signs packages: its gpg home holds the secret key. */
export interface SigningKey {
  home: string;
  fingerprint: string;
}

/** repo-add is a slow shell script, so a repository is built once per content and copied into roots. */
function buildRepository(repository: RepositorySpec): string {
  const { name, packages, signedBy } = repository;
  const key = createHash('sha256')
    .update(JSON.stringify({ name, packages, key: signedBy?.fingerprint ?? null }))
    .digest('hex')
    .slice(0, 16);
  const dir = join(PACKAGE_STORE, 'repos', key);
  if (existsSync(join(dir, 'complete'))) return dir;
  mkdirSync(join(PACKAGE_STORE, 'repos'), { recursive: true });
  const work = mkdtempSync(join(PACKAGE_STORE, 'repo-build-'));
  const files = repository.packages.map((spec) => placeFile(buildPackage(spec), work));
  if (signedBy) for (const file of files) signFile(signedBy, file);
  execFileSync('repo-add', ['-q', join(work, `${repository.name}.db.tar.gz`), ...files], { stdio: 'pipe' });
  writeFileSync(join(work, 'complete'), '');
  // A directory without the marker is what a crashed run left behind.
  if (existsSync(dir) && !existsSync(join(dir, 'complete'))) rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(work, dir);
  } catch {
    // Another Jest worker finished the same repository first; use theirs.
    rmSync(work, { recursive: true, force: true });
  }
  return dir;
}

export interface TestRootOptions {
  repositories: RepositorySpec[];
  /** Archive (Arch Linux Archive layout) packages served from a file:// URL. */
  archive?: PackageSpec[];
  /** Require package signatures (fixture packages are unsigned, so every install then fails). */
  requireSignatures?: boolean;
  /** The pacman and the client's user; default the system's pacman, as root. */
  variant?: PacmanVariant;
  /** The desktop user's client process, for a variant that runs the client as that user. */
  session?: DesktopSession | null;
  /** pacman.conf's global SigLevel (default `Never`, or `PackageRequired DatabaseNever` with requireSignatures). */
  sigLevel?: string;
  /** pacman.conf's Architecture value (default `auto`). */
  architecture?: string;
  /** More `[options]` lines: IgnorePkg, IgnoreGroup, SigLevel, LocalFileSigLevel, RemoteFileSigLevel, … */
  options?: string[];
}

/**
 * Registers the jest hooks every pacman test needs: the tools are checked first (a clear failure, never a
 * skip), then a throwaway root is created, prepared and destroyed, once for the file or, with
 * `perTest`, around every test. Returns a getter, because the root exists only once the hooks have run.
 */
export function useTestRoot(
  options: TestRootOptions & { perTest?: boolean; prepare?: (root: TestRoot) => void },
): () => TestRoot {
  let root: TestRoot | null = null;
  let session: DesktopSession | null = null;
  const create = () => {
    root = TestRoot.create({ ...options, session });
    options.prepare?.(root);
  };
  const destroy = () => {
    root?.destroy();
    root = null;
  };
  beforeAll(() => {
    requirePacmanTools();
    if (options.variant?.user === 'desktop') session = new DesktopSession();
  });
  afterAll(async () => {
    await session?.stop();
    session = null;
  });
  if (options.perTest) {
    beforeEach(create);
    afterEach(destroy);
  } else {
    beforeAll(create);
    afterAll(destroy);
  }
  return () => {
    if (!root) throw new Error('the test root exists only while a test runs');
    return root;
  };
}

/** A throwaway pacman root with its own repositories (file:// servers), cache, hooks and log. */
export class TestRoot {
  readonly variant: PacmanVariant;
  /** The desktop user's client process; null when the client runs as root, in the test process. */
  readonly session: DesktopSession | null;
  readonly root: string;
  readonly dbpath: string;
  readonly cachedir: string;
  readonly hookdir: string;
  readonly logfile: string;
  readonly configFile: string;
  readonly privateDbPath: string;
  readonly archiveDir: string;
  /** pacman's GPGDir for this root, inside it (install scriptlets run chrooted and reach it there). */
  readonly gpgdir: string;
  private repositoryGeneration = 0;
  private readonly layouts = new Map<string, string>();
  /** What `$arch` expands to: the first Architecture value (`auto`: the machine's). */
  private arch = machine();

  private constructor(
    readonly base: string,
    options: TestRootOptions,
  ) {
    this.variant = options.variant ?? defaultVariant();
    this.session = this.variant.user === 'desktop' ? (options.session ?? null) : null;
    if (this.variant.user === 'desktop' && !this.session) {
      throw new Error(`a root for ${this.variant.label} needs the desktop user's session`);
    }
    this.root = join(base, 'root');
    this.dbpath = join(this.root, 'var/lib/pacman');
    this.cachedir = join(base, 'cache');
    this.hookdir = join(base, 'hooks');
    this.logfile = join(base, 'pacman.log');
    this.configFile = join(base, 'pacman.conf');
    // The client's private copy is the client user's: root's beside the root, the desktop user's in its home.
    this.privateDbPath = join(this.session?.home ?? base, 'private-db', basename(base));
    this.archiveDir = join(base, 'archive');
    this.gpgdir = join(this.root, 'etc/pacman.d/gnupg');
  }

  static create(options: TestRootOptions): TestRoot {
    const testRoot = new TestRoot(mkdtempSync(join(tmpdir(), 'pacman-sync-root-')), options);
    try {
      testRoot.populate(options);
    } catch (error) {
      testRoot.destroy();
      throw error;
    }
    return testRoot;
  }

  private populate(options: TestRootOptions): void {
    // mkdtemp makes the base 0700; a system's directories let everyone in (pacman 7's download user too).
    chmodSync(this.base, 0o755);
    for (const dir of [this.dbpath, this.cachedir, this.hookdir]) mkdirSync(dir, { recursive: true });
    const architecture = options.architecture ?? 'auto';
    const firstArchitecture = architecture.split(/\s+/)[0];
    this.arch = firstArchitecture === 'auto' ? machine() : firstArchitecture;
    const sections = [
      '[options]',
      `Architecture = ${architecture}`,
      `GPGDir = ${this.gpgdir}`,
      ...this.variant.options,
      '# Test repositories only: the client never turns signatures off.',
      `SigLevel = ${options.sigLevel ?? (options.requireSignatures ? 'PackageRequired DatabaseNever' : 'Never')}`,
      ...(options.options ?? []),
      '',
    ];
    for (const repository of options.repositories) {
      this.layouts.set(repository.name, repository.layout ?? '$repo');
      this.writeRepository(repository);
      sections.push(
        `[${repository.name}]`,
        ...(repository.sigLevel ? [`SigLevel = ${repository.sigLevel}`] : []),
        ...(repository.servers?.before ?? []).map((server) => `Server = ${server}`),
        `Server = file://${join(this.base, 'repos', this.layouts.get(repository.name)!)}`,
        ...(repository.servers?.after ?? []).map((server) => `Server = ${server}`),
        '',
      );
    }
    writeFileSync(this.configFile, sections.join('\n'));
    for (const spec of options.archive ?? []) this.addToArchive(spec);
    // pacman -Sy refuses a configuration without repositories.
    if (options.repositories.length > 0) this.pacman(['-Sy']);
    if (this.session) {
      mkdirSync(this.privateDbPath, { recursive: true });
      this.session.give(dirname(this.privateDbPath));
      // As an administrator would let a desktop user's client change a managed root.
      allowRoot(`root-${basename(this.base)}`, this.variant.command, this.globalOptions());
    }
  }

  /** Another root for the same pacman and the same client user (the caller destroys it). */
  another(options: Omit<TestRootOptions, 'variant' | 'session'>): TestRoot {
    return TestRoot.create({ ...options, variant: this.variant, session: this.session });
  }

  /** Where the working mirror serves a repository (its layout with `$repo` and `$arch` expanded). */
  repositoryDir(name: string): string {
    const layout = this.layouts.get(name) ?? '$repo';
    return join(this.base, 'repos', layout.replaceAll('$repo', name).replaceAll('$arch', this.arch));
  }

  /** (Re)writes a repository with exactly these packages; the root's sync db is refreshed only by -Sy. */
  writeRepository(repository: RepositorySpec): void {
    const built = buildRepository(repository);
    const dir = this.repositoryDir(repository.name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const entry of readdirSync(built, { withFileTypes: true })) {
      if (entry.name === 'complete') continue;
      if (entry.isSymbolicLink()) symlinkSync(readlinkSync(join(built, entry.name)), join(dir, entry.name));
      else if (entry.name.includes('.pkg.tar')) placeFile(join(built, entry.name), dir);
      // Databases are copied, not linked: tests rewrite repositories and pacman compares file times.
      else copyFileSync(join(built, entry.name), join(dir, entry.name));
    }
    // pacman -Sy compares database times in whole seconds; a rewrite within the second of the last
    // refresh would look unchanged, so every rewrite of this root's repositories is dated a second later.
    const stamp = new Date(Date.now() + 1000 * this.repositoryGeneration++);
    for (const file of readdirSync(dir))
      if (/\.(db|files)\.tar\.gz$/.test(file)) utimesSync(join(dir, file), stamp, stamp);
  }

  /**
   * Puts a package into the archive (Arch Linux Archive layout). The archive names files .pkg.tar.zst, or
   * .pkg.tar.xz for packages built before 2020; pacman reads the compression from the content.
   */
  addToArchive(spec: PackageSpec, extension: '.pkg.tar.zst' | '.pkg.tar.xz' = '.pkg.tar.zst'): string {
    const dir = join(this.archiveDir, 'packages', spec.name[0], spec.name);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${spec.name}-${spec.version}-${spec.arch ?? 'any'}${extension}`);
    copyFileSync(buildPackage(spec), file);
    return file;
  }

  /**
   * Makes install scriptlets runnable: pacman runs them chrooted into the root with /bin/sh (Debian's 6.0.2)
   * or /bin/bash (a pacman 7 built with -Dscriptlet-shell=/bin/bash), so bash and the given host programs
   * are copied in with the libraries they load.
   */
  installHostPrograms(programs: string[] = []): void {
    const bash = '/bin/bash';
    for (const [from, to] of [
      [bash, 'bin/bash'],
      [bash, 'bin/sh'],
      ...programs.map((program) => [program, program.replace(/^\//, '')]),
    ]) {
      mkdirSync(dirname(join(this.root, to)), { recursive: true });
      copyFileSync(from, join(this.root, to));
      chmodSync(join(this.root, to), 0o755);
      for (const library of sharedLibraries(from)) {
        const target = join(this.root, library.replace(/^\//, ''));
        if (existsSync(target)) continue;
        mkdirSync(dirname(target), { recursive: true });
        copyFileSync(library, target);
      }
    }
    mkdirSync(join(this.root, 'tmp'), { recursive: true, mode: 0o1777 });
  }

  /** Makes pacman trust packages signed by `key` (its GPGDir gets the public key). */
  trustKey(key: SigningKey): void {
    mkdirSync(this.gpgdir, { recursive: true, mode: 0o700 });
    // A plain OpenPGP keyring file (not a keybox): keys are packets appended one after another, which is
    // how a test keyring's scriptlet adds a key without gpg inside the root.
    const pubring = join(this.gpgdir, 'pubring.gpg');
    writeFileSync(pubring, exportPublicKey(key), { flag: 'a' });
    // pacman wants a trust database beside the keyring (pacman-key --init makes both).
    execFileSync('gpg', ['--homedir', this.gpgdir, '--batch', '--check-trustdb'], { stdio: 'pipe' });
  }

  /** Puts a built package into the root's package cache. */
  addToCache(spec: PackageSpec): string {
    return placeFile(buildPackage(spec), this.cachedir);
  }

  /** pacman's global options for this root, as an administrator would type them. */
  globalArgs(): string[] {
    return [
      `--root=${this.root}`,
      `--dbpath=${this.dbpath}`,
      `--cachedir=${this.cachedir}`,
      `--config=${this.configFile}`,
      `--hookdir=${this.hookdir}`,
      `--logfile=${this.logfile}`,
    ];
  }

  /** The options the client passes for this root (its config, plus the hook directory and log file). */
  globalOptions(): GlobalOptions {
    return {
      root: this.root,
      dbpath: this.dbpath,
      config: this.configFile,
      cachedir: this.cachedir,
      hookdir: this.hookdir,
      logfile: this.logfile,
    };
  }

  /** Runs the variant's real pacman on this root, as root, and returns its output; throws when pacman fails. */
  pacman(args: string[]): string {
    return execFileSync(this.variant.command, [...this.globalArgs(), '--noconfirm', ...args], {
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString();
  }

  /** pacman -Q (or -Qe, -Qd, …) as a name → version map; pacman's "no results" exit 1 means empty. */
  query(flags = '-Q'): Map<string, string> {
    let out: string;
    try {
      out = this.pacman([flags]);
    } catch (error) {
      const failure = error as { status?: number; stdout?: Buffer; stderr?: Buffer };
      if (failure.status === 1 && !failure.stderr?.toString().trim()) return new Map();
      throw error;
    }
    return new Map(
      out
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(' ') as [string, string]),
    );
  }

  install(specs: PackageSpec[], options: { asdeps?: string[] } = {}): void {
    this.pacman(['-U', '--', ...specs.map((spec) => buildPackage(spec))]);
    if (options.asdeps?.length) this.pacman(['-D', '--asdeps', '--', ...options.asdeps]);
  }

  /** How many transactions pacman has logged for this root. */
  transactionCount(): number {
    if (!existsSync(this.logfile)) return 0;
    return readFileSync(this.logfile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('transaction started')).length;
  }

  /** client.conf's [pacman] for this root: the variant's pacman, privileges as `auto` decides for the user. */
  pacmanConfig(overrides: Partial<PacmanConfig> = {}): PacmanConfig {
    return {
      ...DEFAULT_PACMAN_CONFIG,
      command: this.variant.command,
      privilege: 'auto',
      root: this.root,
      dbpath: this.dbpath,
      config: this.configFile,
      cachedir: this.cachedir,
      ...overrides,
    };
  }

  /** The adapter as the variant's client runs it: in this process for root, in the desktop user's process otherwise. */
  adapter(overrides: Partial<PacmanConfig> = {}, options: PacmanAdapterOptions = {}): AdapterUnderTest {
    const config = this.pacmanConfig(overrides);
    const all: PacmanAdapterOptions = {
      ...this.adapterOptions(),
      privateDbPath: this.privateDbPath,
      ...options,
    };
    return this.session ? this.session.adapter(config, all) : new PacmanAdapter(config, all);
  }

  /** The adapter in this process, for suites that run the client as root only (daemon, operation runner). */
  rootAdapter(overrides: Partial<PacmanConfig> = {}, options: PacmanAdapterOptions = {}): PacmanAdapter {
    if (this.session) throw new Error(`${this.variant.label}: the client runs in the desktop user's process`);
    return new PacmanAdapter(this.pacmanConfig(overrides), {
      ...this.adapterOptions(),
      privateDbPath: this.privateDbPath,
      ...options,
    });
  }

  /** The adapter options a client of this root gets besides client.conf (the CLI's adapterOptions). */
  adapterOptions(): Omit<PacmanAdapterOptions, 'runner'> {
    return {
      hookdir: this.hookdir,
      logfile: this.logfile,
      ...(this.session ? { privilegedEntryPoint: harness().entryPoint } : {}),
    };
  }

  /** How many times the client has elevated (started sudo) so far: the desktop user's, or root's (none). */
  elevations(): number {
    return this.session ? this.session.elevations() : rootElevations();
  }

  destroy(): void {
    rmSync(this.base, { recursive: true, force: true });
  }
}

let rootSudoLog: string | null = null;

/**
 * Root's client would elevate through the same counting sudo: it is put first in this process's PATH
 * once, with a log of its own, so the count proves that root starts no sudo at all.
 */
function rootElevations(): number {
  if (rootSudoLog === null) {
    // In the harness directory, which the global teardown removes.
    rootSudoLog = join(mkdtempSync(join(harness().dir, 'root-sudo-')), 'sudo.log');
    process.env.PATH = `${harness().binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`;
    process.env[SUDO_LOG_VARIABLE] = rootSudoLog;
  }
  return existsSync(rootSudoLog) ? readFileSync(rootSudoLog, 'utf8').split('\n').filter(Boolean).length : 0;
}

/** The libraries a host program loads, as ldd lists them (the dynamic loader included). */
function sharedLibraries(program: string): string[] {
  const out = execFileSync('ldd', [program]).toString();
  return [...out.matchAll(/(\/\S+\.so[^\s]*)/g)].map((match) => match[1]);
}

/**
 * A new signing key in its own throwaway gpg home (ed25519, no passphrase). Call dropSigningKey when done:
 * signing starts a gpg-agent for that home.
 */
export function createSigningKey(name: string): SigningKey {
  const home = mkdtempSync(join(tmpdir(), 'pacman-sync-gpg-'));
  const gpg = (args: string[]) => {
    try {
      return execFileSync('gpg', ['--homedir', home, '--batch', ...args], { stdio: 'pipe' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      throw new Error(
        '"gpg" is not installed; the signature tests need it (Debian: apt-get install gpg gpg-agent)',
        {
          cause: error,
        },
      );
    }
  };
  gpg(['--passphrase', '', '--quick-gen-key', `${name} <${name}@pacman-sync.test>`, 'ed25519', 'sign', '0']);
  const listing = gpg(['--with-colons', '--list-secret-keys']).toString();
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(listing)?.[1];
  if (!fingerprint) throw new Error(`gpg made no key for ${name}: ${listing}`);
  return { home, fingerprint };
}

export function dropSigningKey(key: SigningKey): void {
  execFileSync('gpgconf', ['--homedir', key.home, '--kill', 'gpg-agent'], { stdio: 'ignore' });
  rmSync(key.home, { recursive: true, force: true });
}

/** The key's public part in binary OpenPGP form. */
export function exportPublicKey(key: SigningKey): Buffer {
  return execFileSync('gpg', ['--homedir', key.home, '--batch', '--export', key.fingerprint]);
}

/** A detached binary signature `<file>.sig`, as makepkg --sign makes. */
export function signFile(key: SigningKey, file: string): string {
  execFileSync(
    'gpg',
    [
      '--homedir',
      key.home,
      '--batch',
      '--yes',
      '--local-user',
      key.fingerprint,
      '--detach-sign',
      '--output',
      `${file}.sig`,
      file,
    ],
    { stdio: 'pipe' },
  );
  return `${file}.sig`;
}

function placeFile(source: string, dir: string): string {
  const target = join(dir, basename(source));
  rmSync(target, { force: true });
  try {
    linkSync(source, target);
  } catch {
    copyFileSync(source, target);
  }
  return target;
}
