// The client's PKGBUILD, checked for real: makepkg builds it as an unprivileged user from a copy of this
// checkout (PACMAN_SYNC_SRC), the real pacman installs the package into a throwaway root, and the installed
// client runs with the system's node from that root alone.
//
// The build omits npm's optional dependencies (npm_config_omit=optional), so node-gtk is not compiled:
// that compile alone takes 70-120 s on two cores. The tray therefore is not in the package built here;
// the CLI, the daemon, the Waybar module, the hook and the units are.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { decodeEvent, PRIVILEGED_ENTRY_POINT } from '../src/core/pacman/privileged-protocol';
import { requirePacmanTools, TestRoot } from './support/pacman-fixture';

const REPOSITORY = join(__dirname, '..', '..');
const PKGBUILD_DIR = join('ops', 'pkgbuild');
const PKGNAME = 'pacman-sync-client';
const LIB = '/usr/lib/pacman-sync';
const CLIENT_VERSION = (
  JSON.parse(readFileSync(join(REPOSITORY, 'tray-client', 'package.json'), 'utf8')) as { version: string }
).version;
// makepkg refuses to run as root, so a root test run builds as nobody, as CI's unprivileged builder would.
const BUILDER = process.getuid?.() === 0 ? 'nobody' : null;
const BUILD_TIMEOUT_MS = 15 * 60_000;

/** Fails (never skips) with the package to install when a tool the build needs is absent. */
function requireBuildTools(): void {
  requirePacmanTools();
  const tools: [string, string][] = [
    ['makepkg', 'Debian: apt-get install pacman-package-manager'],
    ['fakeroot', 'Debian: apt-get install fakeroot'],
    ['git', 'the test copies the checkout with git ls-files'],
    ['npm', 'the PKGBUILD installs the client with npm'],
    ...(BUILDER ? [['runuser', 'util-linux'] as [string, string]] : []),
  ];
  for (const [tool, hint] of tools) {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new Error(`"${tool}" is not installed; the PKGBUILD test needs it (${hint})`, { cause: error });
      }
    }
  }
}

interface Run {
  code: number;
  output: string;
}

/** Runs makepkg as the builder with only the environment given here: nothing of the test's npm run leaks in. */
function makepkg(startdir: string, env: Record<string, string>, args: string[]): Promise<Run> {
  const command = [
    ...(BUILDER ? ['runuser', '-u', BUILDER, '--'] : []),
    'env',
    '-i',
    ...Object.entries(env).map(([name, value]) => `${name}=${value}`),
    'makepkg',
    '--nocolor',
    ...args,
  ];
  return new Promise((resolve) => {
    execFile(
      command[0],
      command.slice(1),
      { cwd: startdir, maxBuffer: 64 * 1024 * 1024, timeout: BUILD_TIMEOUT_MS },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

function tail(output: string, lines = 40): string {
  return output.trimEnd().split('\n').slice(-lines).join('\n');
}

/** The files of this checkout as git sees them (tracked and new, not ignored), with their working-tree content. */
function copyCheckout(target: string): void {
  const files = execFileSync('git', [
    '-C',
    REPOSITORY,
    'ls-files',
    '-z',
    '--cached',
    '--others',
    '--exclude-standard',
  ])
    .toString()
    .split('\0')
    .filter((file) => file !== '' && existsSync(join(REPOSITORY, file)));
  mkdirSync(target, { recursive: true });
  const archive = `${target}.tar`;
  execFileSync('tar', ['-C', REPOSITORY, '--null', '-T', '-', '-cf', archive], { input: files.join('\0') });
  execFileSync('tar', ['-C', target, '-xf', archive]);
  rmSync(archive);
}

/** A private copy of this user's npm cache, so the builder installs from it (npm ci --prefer-offline). */
function copyNpmCache(target: string): void {
  mkdirSync(target, { recursive: true });
  // Under `npm test -w …` npm exports npm_config_workspace*, and `npm config` refuses to run with them.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_config_workspace')),
  );
  const cache = execFileSync('npm', ['config', 'get', 'cache'], { cwd: '/', env }).toString().trim();
  if (existsSync(join(cache, '_cacache'))) execFileSync('cp', ['-R', join(cache, '_cacache'), target]);
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe('ops/pkgbuild/PKGBUILD', () => {
  let work: string;
  let tree: string;
  let builderEnv: Record<string, string>;
  let build: Run;
  let packageFile: string;
  let root: TestRoot;
  let installOutput: string;

  const inRoot = (path: string) => join(root.root, path);
  /** The installed client, run with the system's node from outside the root and nothing else on its paths. */
  const runClient = (args: string[]) =>
    execFileSync(process.execPath, [inRoot(`${LIB}/tray-client/bin/pacman-sync.js`), ...args], {
      cwd: '/',
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: join(work, 'client-home'),
        XDG_CONFIG_HOME: join(work, 'client-home', 'config'),
        XDG_STATE_HOME: join(work, 'client-home', 'state'),
      },
    }).toString();

  beforeAll(async () => {
    requireBuildTools();
    work = mkdtempSync(join(tmpdir(), 'pacman-sync-pkgbuild-test-'));
    tree = join(work, 'checkout');
    copyCheckout(tree);
    copyNpmCache(join(work, 'home', '.npm'));
    for (const dir of ['build', 'packages', 'refused/build', 'refused/packages']) {
      mkdirSync(join(work, dir), { recursive: true });
    }
    if (BUILDER) execFileSync('chown', ['-R', `${BUILDER}:`, work]);

    builderEnv = {
      PATH: [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
      HOME: join(work, 'home'),
      LC_ALL: 'C',
      npm_config_cache: join(work, 'home', '.npm'),
      npm_config_prefer_offline: 'true',
      npm_config_update_notifier: 'false',
      npm_config_omit: 'optional',
      BUILDDIR: join(work, 'build'),
      PKGDEST: join(work, 'packages'),
    };
    build = await makepkg(
      join(tree, PKGBUILD_DIR),
      { ...builderEnv, PACMAN_SYNC_SRC: tree },
      // Debian's pacman database knows no Arch packages (nodejs, gtk3, …), so dependencies cannot be checked.
      ['--nodeps', '--noconfirm', '--noprogressbar'],
    );
    if (build.code !== 0) throw new Error(`makepkg failed (exit ${build.code}):\n${tail(build.output)}`);
    const built = readdirSync(join(work, 'packages')).filter((file) => /\.pkg\.tar(\.\w+)?$/.test(file));
    if (built.length !== 1) throw new Error(`makepkg made ${built.length} packages: ${built.join(', ')}`);
    packageFile = join(work, 'packages', built[0]);

    root = TestRoot.create({ repositories: [] });
    installOutput = root.pacman(['-U', '--nodeps', '--nodeps', '--', packageFile]);
  }, BUILD_TIMEOUT_MS);

  afterAll(() => {
    root?.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('builds a package named after the client version as an unprivileged user, files owned by root', () => {
    const arch = execFileSync('uname', ['-m']).toString().trim();
    expect(packageFile).toMatch(new RegExp(`/${PKGNAME}-${CLIENT_VERSION}-1-${arch}\\.pkg\\.tar(\\.\\w+)?$`));
    if (BUILDER) {
      const builderUid = Number(execFileSync('id', ['-u', BUILDER]).toString());
      expect(statSync(packageFile).uid).toBe(builderUid);
    }
    // fakeroot: whoever builds, the archive's entries belong to root.
    const owners = execFileSync('bsdtar', ['--numeric-owner', '-tvf', packageFile])
      .toString()
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/).slice(2, 4).join(':'));
    expect(new Set(owners)).toEqual(new Set(['0:0']));
    expect(build.output).not.toMatch(/==> ERROR/);
  });

  it('installs with pacman: the command, the hook, both units, the privileged entry point and its polkit action, and the docs are files of the package', () => {
    expect(root.pacman(['-Q', PKGNAME]).trim()).toBe(`${PKGNAME} ${CLIENT_VERSION}-1`);
    const owned = root
      .pacman(['-Qlq', PKGNAME])
      .split('\n')
      .map((path) => path.slice(root.root.length));
    expect(owned).toEqual(
      expect.arrayContaining([
        '/usr/bin/pacman-sync',
        '/usr/share/libalpm/hooks/pacman-sync.hook',
        '/usr/lib/systemd/user/pacman-sync.service',
        '/usr/lib/systemd/system/pacman-sync-daemon.service',
        PRIVILEGED_ENTRY_POINT,
        '/usr/share/polkit-1/actions/io.github.pacman-sync.policy',
        `/usr/share/doc/${PKGNAME}/README.md`,
        `${LIB}/tray-client/bin/pacman-sync.js`,
        `${LIB}/tray-client/package.json`,
        `${LIB}/shared/package.json`,
      ]),
    );
    expect(root.pacman(['-Qk', PKGNAME])).toMatch(/, 0 missing files/);
    const info = root.pacman(['-Qi', PKGNAME]);
    for (const dependency of [
      'pacman',
      'fakeroot',
      'util-linux',
      'gtk3',
      'gobject-introspection-runtime',
      'libnotify',
    ]) {
      expect(info).toMatch(new RegExp(`Depends On\\s*:.*\\b${dependency}\\b`));
    }
  });

  it('ships the hook and units from ops/ unchanged, and pacman runs the hook from the installed package', () => {
    const shipped: [string, string][] = [
      ['ops/pacman-hook/pacman-sync.hook', '/usr/share/libalpm/hooks/pacman-sync.hook'],
      ['ops/systemd/pacman-sync.service', '/usr/lib/systemd/user/pacman-sync.service'],
      ['ops/systemd/pacman-sync-daemon.service', '/usr/lib/systemd/system/pacman-sync-daemon.service'],
      ['ops/pkgbuild/pacman-sync', '/usr/bin/pacman-sync'],
      ['ops/pkgbuild/pacman-sync-privileged', PRIVILEGED_ENTRY_POINT],
      ['ops/polkit/io.github.pacman-sync.policy', '/usr/share/polkit-1/actions/io.github.pacman-sync.policy'],
    ];
    for (const [source, installed] of shipped) {
      expect(readFileSync(inRoot(installed), 'utf8')).toBe(readFileSync(join(REPOSITORY, source), 'utf8'));
    }
    // pacman reads <root>/usr/share/libalpm/hooks, so the package's own hook ran after its own install.
    // (The throwaway root has no /bin/sh for the hook's command to run in; that it was run is the point.)
    expect(installOutput).toMatch(/Signalling pacman-sync that the installed packages changed/);
    expect(readFileSync(root.logfile, 'utf8')).toMatch(/running 'pacman-sync\.hook'/);
  });

  it('the /usr/bin wrapper is executable and execs the installed launcher with the system node', () => {
    const wrapper = inRoot('/usr/bin/pacman-sync');
    expect(statSync(wrapper).mode & 0o777).toBe(0o755);
    const exec = /^exec (\S+) (\S+) "\$@"$/m.exec(readFileSync(wrapper, 'utf8'));
    expect(exec).not.toBeNull();
    const [, node, launcher] = exec as RegExpExecArray;
    expect(node).toBe('/usr/bin/node');
    expect(launcher).toBe(`${LIB}/tray-client/bin/pacman-sync.js`);
    expect(existsSync(inRoot(launcher))).toBe(true);
  });

  it('pacman-sync-privileged is executable, starts the installed program with a clean environment, and refuses a forged request', () => {
    const entryPoint = inRoot(PRIVILEGED_ENTRY_POINT);
    expect(statSync(entryPoint).mode & 0o777).toBe(0o755);
    const exec = /^exec \/usr\/bin\/env -i (.*) \/usr\/bin\/node (\S+) "\$@"$/m.exec(
      readFileSync(entryPoint, 'utf8'),
    );
    expect(exec).not.toBeNull();
    const [, environment, program] = exec as RegExpExecArray;
    expect(environment.split(' ').map((assignment) => assignment.split('=')[0])).toEqual(['PATH', 'LC_ALL']);
    expect(program).toBe(`${LIB}/tray-client/dist/privileged/main.js`);
    // The installed program, from the root alone, as sudo would start it: it checks before it trusts.
    const forged = spawnSync(process.execPath, [inRoot(program), '--packages=1', '--root=/'], {
      cwd: '/',
      env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' },
      input: '{"version":1,"steps":[{"action":"remove","packages":["linux"]}]}',
    });
    expect(forged.status).toBe(2);
    expect(decodeEvent(forged.stdout.toString().trim())).toEqual({
      event: 'fatal',
      code: 'PRIVILEGE',
      message: expect.stringContaining(
        "refused, nothing was started: no section of the administrator's configuration allows the pacman options --root=/",
      ),
    });
  });

  it('the installed client runs from the root alone: --version, waybar, and every module it has loads', () => {
    expect(runClient(['--version'])).toBe(`pacman-sync ${CLIENT_VERSION}\n`);
    expect(JSON.parse(runClient(['waybar']))).toMatchObject({ class: 'unregistered', alt: 'unregistered' });
    // Every compiled module, required from the installed tree: a dependency missing from the package's
    // node_modules fails here even when no command above happened to load it.
    const modules = listFiles(inRoot(`${LIB}/tray-client/dist`)).filter((file) => file.endsWith('.js'));
    expect(modules.length).toBeGreaterThan(10);
    const loaded = execFileSync(
      process.execPath,
      [
        '-e',
        'for (const m of process.argv.slice(1)) require(m); console.log(process.argv.length - 1)',
        ...modules,
      ],
      { cwd: '/', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
    ).toString();
    expect(Number(loaded)).toBe(modules.length);
  });

  it('carries the production dependencies and none of the build tooling, sources or source maps', () => {
    const manifest = JSON.parse(readFileSync(join(REPOSITORY, 'tray-client', 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const modules = inRoot(`${LIB}/node_modules`);
    for (const dependency of Object.keys(manifest.dependencies)) {
      expect(existsSync(join(modules, dependency, 'package.json'))).toBe(true);
    }
    for (const tool of ['typescript', 'jest', 'nx', '@swc/core', 'eslint']) {
      expect(existsSync(join(modules, tool))).toBe(false);
    }
    const clientFiles = [...listFiles(inRoot(`${LIB}/tray-client`)), ...listFiles(inRoot(`${LIB}/shared`))];
    expect(clientFiles.filter((file) => /\.(ts|map)$/.test(file))).toEqual([]);
    // No path of the build machine is baked into the installed files.
    const grep = spawnSync('grep', ['-rlF', work, inRoot(LIB), inRoot('/usr/bin')], { encoding: 'utf8' });
    expect({ status: grep.status, files: grep.stdout, errors: grep.stderr }).toEqual({
      status: 1,
      files: '',
      errors: '',
    });
  });

  it('refuses a PACMAN_SYNC_SRC that is not a checkout, naming it', async () => {
    const notACheckout = join(work, 'home');
    const run = await makepkg(
      join(tree, PKGBUILD_DIR),
      {
        ...builderEnv,
        BUILDDIR: join(work, 'refused', 'build'),
        PKGDEST: join(work, 'refused', 'packages'),
        PACMAN_SYNC_SRC: notACheckout,
      },
      ['--nodeps', '--noconfirm', '--noprogressbar'],
    );
    expect(run.code).not.toBe(0);
    expect(run.output).toContain(`PACMAN_SYNC_SRC=${notACheckout} is not a pacman-sync checkout`);
  });

  it('.SRCINFO is the release build (tarball source) and matches the PKGBUILD', async () => {
    const run = await makepkg(join(tree, PKGBUILD_DIR), builderEnv, ['--printsrcinfo']);
    expect(run.code).toBe(0);
    expect(run.output).toContain(`\tpkgver = ${CLIENT_VERSION}\n`);
    expect(run.output).toMatch(
      new RegExp(
        `\\tsource = pacman-sync-${CLIENT_VERSION}\\.tar\\.gz::https://\\S+/v${CLIENT_VERSION}\\.tar\\.gz\n`,
      ),
    );
    expect(run.output).toBe(readFileSync(join(REPOSITORY, PKGBUILD_DIR, '.SRCINFO'), 'utf8'));
  });

  it('pacman -R takes every installed file away again', () => {
    root.pacman(['-R', '--', PKGNAME]);
    expect(existsSync(inRoot(LIB))).toBe(false);
    expect(existsSync(inRoot('/usr/bin/pacman-sync'))).toBe(false);
    expect(existsSync(inRoot('/usr/share/libalpm/hooks/pacman-sync.hook'))).toBe(false);
  });
});
