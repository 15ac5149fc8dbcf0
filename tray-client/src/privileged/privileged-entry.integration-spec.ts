// pacman-sync-privileged runs as root for whoever sudo or polkit lets start it. This suite is that caller,
// hostile: the desktop user starts it through the real sudo (the test run's NOPASSWD drop-in) with forged
// command lines and step documents, and nothing may reach pacman. The pacman it would run is a stand-in
// that writes down each start, so "refused before pacman starts" is checked, not assumed.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { useTestRoot } from '../../test/support/pacman-fixture';
import { REPOSITORIES, tool09, tool10 } from '../../test/support/packages';
import { pacmanVariants } from '../../test/support/pacman-variants';
import { syncPlan } from '../../test/support/plans';
import { allowRoot, DESKTOP_USER, harness } from '../../test/support/privileged-harness';
import { PacmanError } from '../core/pacman/pacman-errors';
import { PacmanStep } from '../core/pacman/pacman-steps';
import {
  decodeEvent,
  GlobalOptions,
  PrivilegedEvent,
  requestArguments,
} from '../core/pacman/privileged-protocol';

const desktopVariant = pacmanVariants().find((variant) => variant.user === 'desktop')!;

describe('pacman-sync-privileged started by a hostile desktop user through sudo', () => {
  const root = useTestRoot({ repositories: REPOSITORIES, variant: desktopVariant });
  let record: string;
  let spy: GlobalOptions;
  let uid: number;
  let gid: number;

  beforeAll(() => {
    uid = Number(execFileSync('id', ['-u', DESKTOP_USER]));
    gid = Number(execFileSync('id', ['-g', DESKTOP_USER]));
    record = join(root().base, 'spy-pacman.log');
    const spyPacman = join(root().base, 'spy-pacman');
    // Root's stand-in for pacman: it writes down its arguments and environment, and changes nothing.
    writeFileSync(
      spyPacman,
      `#!/bin/sh\n{ printf 'argv:%s\\n' "$@"; env | sed 's/^/env:/'; echo ---; } >> '${record}'\n`,
      { mode: 0o755 },
    );
    // The administrator lets the desktop user's client change this root, with the stand-in as its pacman.
    spy = { ...root().globalOptions(), logfile: join(root().base, 'spy.log') };
    allowRoot(`spy-${root().base.split('-').pop()}`, spyPacman, spy);
    root().addToCache(tool09);
  });
  beforeEach(() => rmSync(record, { force: true }));

  /** Starts the test run's pacman-sync-privileged through the real sudo, as the desktop user. */
  function elevate(argv: string[], input: string, options: { sudo?: boolean } = {}) {
    const command =
      options.sudo === false
        ? [harness().entryPoint, ...argv]
        : ['/usr/bin/sudo', '--', harness().entryPoint, ...argv];
    const result = spawnSync(command[0], command.slice(1), {
      uid,
      gid,
      input,
      env: { PATH: '/usr/bin:/bin', HOME: root().session!.home, LC_ALL: 'C' },
      cwd: root().session!.home,
      maxBuffer: 64 * 1024 * 1024,
    });
    const lines = result.stdout.toString().split('\n').filter(Boolean);
    return {
      status: result.status,
      stderr: result.stderr.toString(),
      events: lines
        .map((line) => decodeEvent(line))
        .filter((event): event is PrivilegedEvent => event !== null),
      other: lines.filter((line) => decodeEvent(line) === null),
    };
  }

  const cachedFile = () => join(root().cachedir, 'tool-0.9-1-any.pkg.tar.gz');
  const upgrade = (file: string, name = 'tool', version = '0.9-1'): PacmanStep => ({
    action: 'upgrade',
    packages: [{ name, version, file }],
    remove_conflicting: false,
  });
  const document = (...steps: unknown[]) => JSON.stringify({ version: 1, steps });
  const argvFor = (packages: number, globals: GlobalOptions = spy, pool: string | null = 'lab') =>
    requestArguments({ pool, packages, globals });

  function expectRefused(run: ReturnType<typeof elevate>, reason: RegExp): void {
    expect(run.events).toEqual([
      {
        event: 'fatal',
        code: 'PRIVILEGE',
        message: expect.stringMatching(/^refused, nothing was started: /),
      },
    ]);
    expect((run.events[0] as { message: string }).message).toMatch(reason);
    expect(run.status).toBe(2);
    expect(existsSync(record)).toBe(false);
  }

  it('runs a valid request with the administrator’s pacman, LC_ALL=C and a clean environment (the spy works)', () => {
    const run = elevate(argvFor(1), document(upgrade(cachedFile())));

    expect(run.status).toBe(0);
    expect(run.events).toEqual([
      { event: 'step', index: 0 },
      { event: 'exit', index: 0, code: 0 },
    ]);
    const [argv, env] = ['argv:', 'env:'].map((prefix) =>
      readFileSync(record, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith(prefix))
        .map((line) => line.slice(prefix.length)),
    );
    expect(argv).toEqual([
      `--root=${spy.root}`,
      `--dbpath=${spy.dbpath}`,
      `--config=${spy.config}`,
      `--cachedir=${spy.cachedir}`,
      `--hookdir=${spy.hookdir}`,
      `--logfile=${spy.logfile}`,
      '-U',
      '--noconfirm',
      '--',
      cachedFile(),
    ]);
    expect(env).toContain('LC_ALL=C');
    expect(env.filter((line) => /^(SUDO_|NODE_|LD_|HOME=)/.test(line))).toEqual([]);
  });

  it('wraps everything pacman prints, so a forged event in its output stays output', () => {
    const forger = join(root().base, 'forger');
    writeFileSync(forger, `#!/bin/sh\necho '{"event":"exit","index":0,"code":0}'\nexit 1\n`, { mode: 0o755 });
    const globals = { ...spy, logfile: join(root().base, 'forger.log') };
    allowRoot(`forger-${root().base.split('-').pop()}`, forger, globals);

    const run = elevate(argvFor(1, globals), document(upgrade(cachedFile())));

    expect(run.status).toBe(1);
    expect(run.events).toEqual([
      { event: 'step', index: 0 },
      { event: 'output', index: 0, line: '{"event":"exit","index":0,"code":0}' },
      { event: 'exit', index: 0, code: 1 },
    ]);
  });

  it('refuses a package name, version or reason the shared rules reject', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ action: 'remove', packages: ['--root=/'] }, /is not a package name/],
      [{ action: 'remove', packages: ['-Syu'] }, /is not a package name/],
      [{ action: 'reason', reason: 'explicit', packages: ['x y'] }, /is not a package name/],
      [{ action: 'reason', reason: '--asexplicit', packages: ['tool'] }, /reason must be/],
      [upgrade(cachedFile(), 'tool', '0.9-1 --root=/'), /is not a package version/],
    ];
    for (const [step, reason] of cases) expectRefused(elevate(argvFor(1), document(step)), reason);
  });

  it('refuses files outside the package cache: relative, with .., elsewhere, not root’s, or a link', () => {
    const elsewhere = join(root().session!.home, 'tool-0.9-1-any.pkg.tar.gz');
    writeFileSync(elsewhere, 'a package the user made');
    const notRoots = join(root().cachedir, 'tool-0.8-1-any.pkg.tar.gz');
    writeFileSync(notRoots, 'planted');
    chownSync(notRoots, uid, gid);
    const link = join(root().cachedir, 'tool-0.7-1-any.pkg.tar.gz');
    symlinkSync(elsewhere, link);
    const cases: Array<[PacmanStep, RegExp]> = [
      [upgrade('tool-0.9-1-any.pkg.tar.gz'), /neither an absolute, normal path nor a canonical/],
      [upgrade(`${root().cachedir}/../cache/tool-0.9-1-any.pkg.tar.gz`), /neither an absolute, normal path/],
      [upgrade(elsewhere), /is not in a package cache directory/],
      [upgrade('/etc/tool-0.9-1-any.pkg.tar.gz'), /does not exist/],
      [upgrade(notRoots, 'tool', '0.8-1'), /not a regular file that belongs to root/],
      [upgrade(link, 'tool', '0.7-1'), /not a regular file that belongs to root/],
      [upgrade(cachedFile(), 'evil', '0.9-1'), /is not a package file of evil 0.9-1/],
    ];
    for (const [step, reason] of cases) expectRefused(elevate(argvFor(1), document(step)), reason);
  });

  it('refuses URLs pacman should not fetch or that are not what they seem', () => {
    const name = 'tool-1.1-1-any.pkg.tar.gz';
    const cases: Array<[string, RegExp]> = [
      [`ssh://example.org/${name}`, /nor a canonical URL \(http, https, ftp, file\)/],
      [`http://user:secret@example.org/${name}`, /canonical/],
      [`http://example.org/${name}?x=1`, /canonical/],
      [`file:///srv/../etc/${name}`, /canonical/],
      ['http://example.org/evil-1.1-1-any.pkg.tar.gz', /is not a package file of tool 1.1-1/],
    ];
    for (const [url, reason] of cases) {
      expectRefused(elevate(argvFor(1), document(upgrade(url, 'tool', '1.1-1'))), reason);
    }
  });

  it('refuses extra fields, unknown actions and other versions of the format, and anything not JSON', () => {
    const step = upgrade(cachedFile());
    const cases: Array<[string, RegExp]> = [
      [document({ ...step, options: ['--root=/'] }), /unknown field "options"/],
      [JSON.stringify({ version: 1, steps: [step], globals: { root: '/' } }), /unknown field "globals"/],
      [
        document({
          ...step,
          packages: [{ name: 'tool', version: '0.9-1', file: cachedFile(), flags: '-f' }],
        }),
        /unknown field "flags"/,
      ],
      [document({ action: 'sync', packages: ['tool'] }), /action must be/],
      [JSON.stringify({ version: 2, steps: [step] }), /version must be 1/],
      [JSON.stringify({ version: 1, steps: [] }), /steps must be a list of 1 to/],
      ['--root=/', /not a JSON step document/],
      ['', /not a JSON step document/],
    ];
    for (const [input, reason] of cases) expectRefused(elevate(argvFor(1), input), reason);
    expectRefused(elevate(argvFor(1), ' '.repeat(9 * 1024 * 1024)), /larger than/);
  });

  /** The desktop user's own copy of the sync databases, as its client keeps it. */
  function usersDatabases(): string {
    const dbpath = join(root().session!.home, 'db-copy');
    rmSync(dbpath, { recursive: true, force: true });
    mkdirSync(join(dbpath, 'sync'), { recursive: true });
    for (const repository of ['arch', 'manjaro']) {
      copyFileSync(join(root().dbpath, 'sync', `${repository}.db`), join(dbpath, 'sync', `${repository}.db`));
    }
    for (const path of [
      dbpath,
      join(dbpath, 'sync'),
      join(dbpath, 'sync', 'arch.db'),
      join(dbpath, 'sync', 'manjaro.db'),
    ]) {
      chownSync(path, uid, gid);
    }
    return dbpath;
  }
  const download = (dbpath: string, repository = 'arch', name = 'tool'): PacmanStep => ({
    action: 'download',
    dbpath,
    packages: [{ repository, name }],
  });
  const privateCopies = () =>
    readdirSync(tmpdir()).filter((entry) => entry.startsWith('pacman-sync-privileged-db-'));

  it("fetches with pacman -Sw from its own copy of the caller's databases, which it removes afterwards", () => {
    const dbpath = usersDatabases();
    const copiesBefore = privateCopies();
    const run = elevate(argvFor(1), document(download(dbpath)));

    expect(run.status).toBe(0);
    const argv = readFileSync(record, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('argv:'))
      .map((line) => line.slice('argv:'.length));
    const copy = argv.find((arg) => arg.startsWith('--dbpath=/') && arg !== `--dbpath=${spy.dbpath}`)!;
    expect(argv.slice(argv.indexOf('-Sw'))).toEqual([
      '-Sw',
      '--noconfirm',
      '--nodeps',
      '--nodeps',
      copy,
      '--',
      'arch/tool',
    ]);
    expect(copy).not.toContain(dbpath);
    expect(privateCopies()).toEqual(copiesBefore);
  });

  it("refuses a download step whose databases are not plain files in the caller's directory", () => {
    const dbpath = usersDatabases();
    const linked = join(root().session!.home, 'db-linked');
    rmSync(linked, { recursive: true, force: true });
    mkdirSync(linked);
    symlinkSync(join(dbpath, 'sync'), join(linked, 'sync'));
    const fileLinked = join(root().session!.home, 'db-file-linked');
    rmSync(fileLinked, { recursive: true, force: true });
    mkdirSync(join(fileLinked, 'sync'), { recursive: true });
    symlinkSync('/etc/shadow', join(fileLinked, 'sync', 'arch.db'));
    const cases: Array<[PacmanStep, RegExp]> = [
      [download('relative/db'), /dbpath "relative\/db" is not an absolute, normal path/],
      [download(`${dbpath}/../db-copy`), /is not an absolute, normal path/],
      [download(dbpath, '../x'), /is not a repository name/],
      [download(dbpath, 'arch', '--root=/'), /is not a package name/],
      [download(dbpath, 'elsewhere'), /repository elsewhere is not in the target's pacman configuration/],
      [download(linked), /sync is not a directory \(or is a symbolic link\)/],
      [download(fileLinked), /arch.db is not a regular file/],
      [download(join(root().session!.home, 'nothing')), /is not a directory/],
    ];
    for (const [step, reason] of cases) expectRefused(elevate(argvFor(1), document(step)), reason);
  });

  it('checks a file a download step was to fetch when its upgrade comes, and stops there if it is not right', () => {
    const dbpath = usersDatabases();
    // The stand-in pacman fetches nothing: the file the upgrade names is not in the cache when its turn comes.
    const fetched = join(root().cachedir, 'tool-1.1-1-any.pkg.tar.gz');
    rmSync(fetched, { force: true });
    const run = elevate(argvFor(1), document(download(dbpath), upgrade(fetched, 'tool', '1.1-1')));

    expect(run.status).toBe(2);
    expect(run.events).toEqual([
      { event: 'step', index: 0 },
      { event: 'exit', index: 0, code: 0 },
      { event: 'fatal', code: 'PRIVILEGE', message: `refused step 2: ${fetched} does not exist` },
    ]);
    const starts = readFileSync(record, 'utf8')
      .split('---')
      .filter((block) => block.includes('argv:'));
    expect(starts).toHaveLength(1);
  });

  it('refuses a command line that names another root, adds an option, or announces another count', () => {
    const input = document(upgrade(cachedFile()));
    const cases: Array<[string[], RegExp]> = [
      [
        argvFor(1, { root: '/' }),
        /no section of the administrator's configuration allows the pacman options --root=\//,
      ],
      // Without root options the request is for the machine itself, whose cache the file is not in.
      [argvFor(1, {}), /is not in a package cache directory \(\/var\/cache\/pacman\/pkg\)/],
      [[...argvFor(1), '--hookdir=/tmp'], /--hookdir is given twice/],
      [argvFor(1, { ...spy, hookdir: '/tmp' }), /no section .* allows/],
      [[...argvFor(1), '--config-file=/tmp/x'], /unknown option --config-file/],
      [[...argvFor(1), '-Syu'], /unexpected argument "-Syu"/],
      [argvFor(1, { ...spy, root: 'relative/root' }), /--root must be an absolute path/],
      [argvFor(2), /announces 2 packages, the steps touch 1/],
      [argvFor(1).filter((arg) => !arg.startsWith('--packages')), /--packages is missing/],
    ];
    for (const [argv, reason] of cases) expectRefused(elevate(argv, input), reason);
  });

  it('refuses to act when not started as root, and sudo lets the desktop user start nothing else', () => {
    expectRefused(
      elevate(argvFor(1), document(upgrade(cachedFile())), { sudo: false }),
      /must run as root \(through sudo or pkexec\)/,
    );
    const other = spawnSync('/usr/bin/sudo', ['--', desktopVariant.command, '-Syu'], { uid, gid, input: '' });
    expect(other.status).not.toBe(0);
    expect(other.stderr.toString()).toMatch(/password is required|not allowed/);
  });

  it('tells the client a refusal as PRIVILEGE, with nothing started', async () => {
    const runner = root().adapter({}, { logfile: join(root().base, 'unlisted.log') });
    const plan = syncPlan({ remove: [{ package_name: 'tool', version: '1.0-1' }] });
    root().install([tool10]);

    const error = await runner.applyPlan(plan).then(
      () => null,
      (failure: unknown) => failure,
    );

    expect(error).toBeInstanceOf(PacmanError);
    expect((error as PacmanError).code).toBe('PRIVILEGE');
    expect((error as PacmanError).message).toMatch(
      /^pacman-sync-privileged refused, nothing was started: no section of the administrator's configuration allows/,
    );
    expect(root().query().get('tool')).toBe('1.0-1');
  });
});
