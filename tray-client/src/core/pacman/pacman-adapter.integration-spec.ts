import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { SyncPlan } from '@pacman-sync/shared';

import { useTestRoot } from '../../../test/support/pacman-fixture';
import { pacmanVariants } from '../../../test/support/pacman-variants';
import {
  app2,
  firewallUi,
  foreign,
  iptables,
  iptablesNft,
  legacyFirewall,
  libx1,
  libx2,
  REPOSITORIES,
  SWAP_REPO,
  tool09,
  tool10,
  tool11,
} from '../../../test/support/packages';
import { SyncProgress } from '../sync/progress';
import { failureOf } from '../../../test/support/failures';
import { planItem, syncPlan } from '../../../test/support/plans';
import { RecordingRunner } from '../../../test/support/recording-runner';
import { parseStepDocument, stepArguments } from './pacman-steps';

// Each suite runs with Debian's pacman 6.0.2 and with pacman 7.0 (Arch's DownloadUser = alpm), each with
// the client as root and as an unprivileged desktop user who elevates through real sudo.
const VARIANTS = pacmanVariants().map((variant) => [variant.label, variant] as const);

/** pacman -U and -R command lines, each from the operation on: run here as root, or sent to pacman-sync-privileged. */
function transactions(runner: RecordingRunner): string[][] {
  return runner.calls
    .flatMap((call) =>
      call.input === undefined
        ? [[...call.args]]
        : parseStepDocument(JSON.parse(call.input)).map(stepArguments),
    )
    .filter((args) => args.includes('-U') || args.includes('-R'))
    .map((args) => args.slice(args.findIndex((arg) => arg === '-U' || arg === '-R')));
}

describe.each(VARIANTS)('PacmanAdapter against the real pacman (%s)', (_label, variant) => {
  const root = useTestRoot({ repositories: REPOSITORIES, perTest: true, variant });
  /** One elevation per plan for the desktop user, none for root; the counting sudo sees every start. */
  const elevationsPerPlan = variant.user === 'desktop' ? 1 : 0;

  describe('readInstalledState', () => {
    it('reports versions, repositories, foreign packages, sizes, dependencies and reasons', async () => {
      root().install([libx2, app2, foreign, tool10], { asdeps: ['libx'] });
      const state = await root().adapter().readInstalledState();

      expect(state.pacman_version).toBe(variant.version);
      expect(state.architecture).toBe(execArch());
      expect(state.packages).toEqual([
        {
          package_name: 'app',
          version: '2.0-1',
          repository: 'arch',
          installed_size: 52428,
          dependencies: ['libx>=2.0'],
          install_reason: 'explicit',
        },
        {
          package_name: 'libx',
          version: '2.0-1',
          repository: 'arch',
          installed_size: 2000,
          dependencies: [],
          install_reason: 'dependency',
        },
        {
          package_name: 'my-aur-tool',
          version: '3.2.1-2',
          repository: 'local',
          installed_size: 4096,
          dependencies: ['libx'],
          install_reason: 'explicit',
        },
        // tool 1.0-1 is manjaro's version, but pacman attributes a name to the first repository that has it.
        expect.objectContaining({ package_name: 'tool', version: '1.0-1', repository: 'arch' }),
      ]);
      // The same answer pacman gives.
      expect(new Map(state.packages.map((p) => [p.package_name, p.version]))).toEqual(root().query('-Q'));
      expect(state.packages.filter((p) => p.repository === 'local').map((p) => p.package_name)).toEqual([
        ...root().query('-Qm').keys(),
      ]);
    });

    it("takes pacman's version from the root's pacman package when it has one", async () => {
      root().install([{ name: 'pacman', version: '1:6.1.0-3', files: ['usr/share/pacman-fake/README'] }]);
      const runner = new RecordingRunner();
      const state = await root().adapter({}, { runner }).readInstalledState();
      expect(state.pacman_version).toBe('6.1.0');
      expect(runner.calls.map((call) => call.args)).not.toContainEqual(['-V']);
    });

    it('reads an empty root as an empty list', async () => {
      const state = await root().adapter().readInstalledState();
      expect(state.packages).toEqual([]);
    });

    it('refuses to report a root without a pacman database as empty', async () => {
      const nowhere = join(root().base, 'not-a-root');
      const error = await failureOf(
        root()
          .adapter({ root: nowhere, dbpath: join(nowhere, 'var/lib/pacman') })
          .readInstalledState(),
      );
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toBe(
        `no pacman database at ${nowhere}/var/lib/pacman/local (check [pacman] root and dbpath)`,
      );
    });
  });

  describe('readRepositories', () => {
    it('reads every repository from a private copy, never refreshing the root sync databases', async () => {
      const systemDb = join(root().dbpath, 'sync', 'arch.db');
      const before = { content: readFileSync(systemDb), mtime: statSync(systemDb).mtimeMs };
      // The repository moves on after the root last synchronised.
      root().writeRepository({
        name: 'arch',
        packages: [
          ...REPOSITORIES[0].packages.filter((p) => p.name !== 'tool'),
          { name: 'tool', version: '1.2-1' },
        ],
      });

      const repositories = await root().adapter().readRepositories();

      expect(repositories.map((r) => [r.repo_name, r.repo_url])).toEqual([
        ['arch', `file://${root().repositoryDir('arch')}`],
        ['manjaro', `file://${root().repositoryDir('manjaro')}`],
      ]);
      expect(repositories[0].packages).toContainEqual({
        name: 'tool',
        version: '1.2-1',
        architecture: 'any',
      });
      expect(repositories[0].packages).toContainEqual({
        name: 'extra',
        version: '1:1.0-1',
        architecture: 'any',
      });
      expect(repositories[1].packages.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { name: 'app', version: '1.0-1', architecture: 'any' },
        { name: 'libx', version: '1.0-1', architecture: 'any' },
        { name: 'tool', version: '1.0-1', architecture: 'any' },
      ]);
      expect(readFileSync(systemDb).equals(before.content)).toBe(true);
      expect(statSync(systemDb).mtimeMs).toBe(before.mtime);
      expect(statSync(join(root().privateDbPath, 'sync', 'arch.db')).isFile()).toBe(true);
      // The root's own pacman still sees the old version: nothing refreshed behind its back.
      expect(root().pacman(['-Si', 'tool'])).toContain('1.1-1');
    });
    it('refreshes as the client user: root with pacman as it is, anyone else under fakeroot, never sudo or pkexec', async () => {
      const runner = new RecordingRunner();
      const elevationsBefore = root().elevations();
      const repositories = await root().adapter({}, { runner }).readRepositories();
      expect(repositories.map((r) => r.repo_name)).toEqual(['arch', 'manjaro']);
      const refresh = runner.calls.find((call) => call.args.includes('-Sy'))!;
      const sandboxed = variant.options.includes('DownloadUser = alpm');
      const expected =
        variant.user === 'root'
          ? [variant.command]
          : sandboxed
            ? // no_new_privs, so that pacman 7's landlock sandbox applies to the unprivileged download too
              ['setpriv', '--no-new-privs', 'fakeroot', '--', variant.command]
            : ['fakeroot', '--', variant.command];
      expect([refresh.program, ...refresh.args].slice(0, expected.length)).toEqual(expected);
      expect(refresh.args).toContain(`--dbpath=${root().privateDbPath}`);
      expect(runner.calls.map((call) => call.program)).not.toContain('sudo');
      expect(runner.calls.map((call) => call.program)).not.toContain('pkexec');
      expect(root().elevations() - elevationsBefore).toBe(0);
    });
  });

  describe('readCachedPackages', () => {
    it('lists package files and skips signatures, partial downloads and stray files', async () => {
      const path = root().addToCache(tool09);
      writeFileSync(`${path}.sig`, 'sig');
      writeFileSync(join(root().cachedir, 'libx-3.0-1-any.pkg.tar.zst.part'), '');
      writeFileSync(join(root().cachedir, 'notes.txt'), '');
      writeFileSync(join(root().cachedir, '--root=-1-1-any.pkg.tar.zst'), '');
      expect(await root().adapter().readCachedPackages()).toEqual([
        { name: 'tool', version: '0.9-1', architecture: 'any', path },
      ]);
    });
  });

  describe('applyPlan', () => {
    it('installs and upgrades from the repositories in one transaction and streams progress', async () => {
      root().install([tool10]);
      const plan = syncPlan();
      plan.install.push(
        planItem('extra', null, '1:1.0-1'),
        planItem('libx', null, '2.0-1', { install_reason: 'dependency' }),
      );
      plan.upgrade.push(planItem('tool', '1.0-1', '1.1-1', { repository: 'arch' }));
      const events: SyncProgress[] = [];
      const transactionsBefore = root().transactionCount();
      const elevationsBefore = root().elevations();

      const summary = await root()
        .adapter()
        .applyPlan(plan, { onProgress: (event) => events.push(event) });

      expect(root().query()).toEqual(
        new Map([
          ['extra', '1:1.0-1'],
          ['libx', '2.0-1'],
          ['tool', '1.1-1'],
        ]),
      );
      expect(root().transactionCount() - transactionsBefore).toBe(1);
      expect([...root().query('-Qd').keys()]).toEqual(['libx']);
      expect([...root().query('-Qe').keys()]).toEqual(['extra', 'tool']);
      expect(summary).toMatchObject({ installed: 2, upgraded: 1, downgraded: 0, removed: 0 });
      // pacman -Sw fetched the repository's files into the cache (checked with the repository's SigLevel);
      // -U installed them from there. Only libx needs its reason set: a new install is explicit anyway,
      // and tool keeps the explicit reason it has.
      const cached = (file: string) => join(root().cachedir, file);
      expect(summary.steps).toEqual([
        {
          action: 'download',
          dbpath: root().privateDbPath,
          packages: [
            { repository: 'arch', name: 'extra' },
            { repository: 'arch', name: 'libx' },
            { repository: 'arch', name: 'tool' },
          ],
        },
        {
          action: 'upgrade',
          packages: [
            { name: 'extra', version: '1:1.0-1', file: cached('extra-1:1.0-1-any.pkg.tar.gz') },
            { name: 'libx', version: '2.0-1', file: cached('libx-2.0-1-any.pkg.tar.gz') },
            { name: 'tool', version: '1.1-1', file: cached('tool-1.1-1-any.pkg.tar.gz') },
          ],
          remove_conflicting: false,
        },
        { action: 'reason', reason: 'dependency', packages: ['libx'] },
      ]);
      expect(summary.files).toEqual([
        cached('extra-1:1.0-1-any.pkg.tar.gz'),
        cached('libx-2.0-1-any.pkg.tar.gz'),
        cached('tool-1.1-1-any.pkg.tar.gz'),
      ]);
      expect(root().elevations() - elevationsBefore).toBe(elevationsPerPlan);
      const installs = events.filter((event) => event.phase === 'install');
      expect(installs.map((event) => [event.current, event.total])).toEqual([
        [1, 3],
        [2, 3],
        [3, 3],
      ]);
      expect(installs.map((event) => event.package).sort()).toEqual(['extra', 'libx', 'tool']);
      expect(events.filter((event) => event.phase === 'download').length).toBe(3);
      expect(events[events.length - 1].phase).toBe('done');
    });

    it('downgrades from the package cache when no repository has the version', async () => {
      root().install([tool11]);
      const cached = root().addToCache(tool09);
      const plan = syncPlan();
      plan.downgrade.push(planItem('tool', '1.1-1', '0.9-1', { source: 'cache' }));

      const summary = await root().adapter().applyPlan(plan);

      expect(summary.files).toEqual([cached]);
      expect(root().query().get('tool')).toBe('0.9-1');
    });

    it('downgrades from the repository that offers the older version', async () => {
      root().install([tool11]);
      const plan = syncPlan();
      plan.downgrade.push(planItem('tool', '1.1-1', '1.0-1', { repository: 'manjaro' }));

      const summary = await root().adapter().applyPlan(plan);

      expect(summary.steps.slice(0, 2)).toEqual([
        {
          action: 'download',
          dbpath: root().privateDbPath,
          packages: [{ repository: 'manjaro', name: 'tool' }],
        },
        {
          action: 'upgrade',
          packages: [
            { name: 'tool', version: '1.0-1', file: join(root().cachedir, 'tool-1.0-1-any.pkg.tar.gz') },
          ],
          remove_conflicting: false,
        },
      ]);
      expect(root().query().get('tool')).toBe('1.0-1');
    });

    it('moves a library and its dependants together in ONE transaction', async () => {
      root().install([libx2, app2], { asdeps: ['libx'] });
      // Proof that the order matters: libx alone cannot go back while app 2.0 needs libx>=2.0.
      expect(() =>
        root().pacman(['-U', '--', `file://${root().repositoryDir('manjaro')}/libx-1.0-1-any.pkg.tar.gz`]),
      ).toThrow();
      const transactionsBefore = root().transactionCount();
      const plan = syncPlan();
      plan.downgrade.push(
        planItem('app', '2.0-1', '1.0-1', { repository: 'manjaro' }),
        planItem('libx', '2.0-1', '1.0-1', { repository: 'manjaro', install_reason: 'dependency' }),
      );

      await root().adapter().applyPlan(plan);

      expect(root().query()).toEqual(
        new Map([
          ['app', '1.0-1'],
          ['libx', '1.0-1'],
        ]),
      );
      expect(root().transactionCount() - transactionsBefore).toBe(1);
      expect([...root().query('-Qd').keys()]).toEqual(['libx']);
    });

    it('removes in one pacman -R after the installs, and sets reasons the target has', async () => {
      root().install([libx2, app2, tool10]);
      const elevationsBefore = root().elevations();
      const plan = syncPlan();
      plan.upgrade.push(planItem('tool', '1.0-1', '1.1-1', { install_reason: 'dependency' }));
      plan.install.push(planItem('extra', null, '1:1.0-1', { install_reason: 'dependency' }));
      plan.remove.push({ package_name: 'app', version: '2.0-1' });

      const summary = await root().adapter().applyPlan(plan);

      expect(root().query()).toEqual(
        new Map([
          ['extra', '1:1.0-1'],
          ['libx', '2.0-1'],
          ['tool', '1.1-1'],
        ]),
      );
      expect([...root().query('-Qd').keys()]).toEqual(['extra', 'tool']);
      expect([...root().query('-Qe').keys()]).toEqual(['libx']);
      expect(summary).toMatchObject({ installed: 1, upgraded: 1, removed: 1 });
      expect(summary.outputTail.some((line) => line.startsWith('removing app'))).toBe(true);
      // -Sw, -U, -D --asdeps and -R: four pacman steps, one authorization.
      expect(summary.steps.map((step) => step.action)).toEqual(['download', 'upgrade', 'reason', 'remove']);
      expect(root().elevations() - elevationsBefore).toBe(elevationsPerPlan);
    });

    it('starts nothing and elevates nothing for a plan with nothing to change', async () => {
      root().install([tool10]);
      const runner = new RecordingRunner();
      const transactionsBefore = root().transactionCount();
      const elevationsBefore = root().elevations();

      const summary = await root().adapter({}, { runner }).applyPlan(syncPlan());

      expect(summary.steps).toEqual([]);
      expect(runner.calls.map((call) => call.program)).not.toContain(variant.command);
      expect(runner.calls.map((call) => call.program)).not.toContain('sudo');
      expect(root().elevations() - elevationsBefore).toBe(0);
      expect(root().transactionCount()).toBe(transactionsBefore);
    });

    it('fails a removal that would break a dependant as MISSING_DEPENDENCY, removing nothing', async () => {
      root().install([libx2, app2]);
      const plan = syncPlan();
      plan.remove.push({ package_name: 'libx', version: '2.0-1' });
      const error = await failureOf(root().adapter().applyPlan(plan));
      expect(error.code).toBe('MISSING_DEPENDENCY');
      expect(error.outputTail.join('\n')).toContain('required by app');
      expect(root().query()).toEqual(
        new Map([
          ['app', '2.0-1'],
          ['libx', '2.0-1'],
        ]),
      );
    });

    it('refuses a plan with unavailable packages unless told to accept them', async () => {
      root().install([tool10]);
      const plan = syncPlan();
      plan.upgrade.push(planItem('tool', '1.0-1', '1.1-1'));
      plan.unavailable.push({
        package_name: 'libx',
        wanted_version: '9.0-1',
        installed_version: null,
        available_versions: ['2.0-1'],
      });

      const error = await failureOf(root().adapter().applyPlan(plan));
      expect(error.code).toBe('PLAN_UNAVAILABLE');
      expect(error.message).toContain('libx 9.0-1');
      expect(root().query()).toEqual(new Map([['tool', '1.0-1']]));

      await root().adapter().applyPlan(plan, { acceptUnavailable: true });
      expect(root().query()).toEqual(new Map([['tool', '1.1-1']]));
    });

    it('fails with NOT_FOUND, changing nothing, when no source has a version', async () => {
      root().install([tool10]);
      const plan = syncPlan();
      plan.upgrade.push(planItem('tool', '1.0-1', '7.0-1'));
      plan.install.push(planItem('extra', null, '1:1.0-1'));

      const error = await failureOf(root().adapter().applyPlan(plan));

      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toContain('tool 7.0-1');
      expect(root().query()).toEqual(new Map([['tool', '1.0-1']]));
    });

    it('fails with LOCK_HELD when another pacman holds the lock, changing nothing', async () => {
      root().install([tool10]);
      writeFileSync(join(root().dbpath, 'db.lck'), '');
      const plan = syncPlan();
      plan.upgrade.push(planItem('tool', '1.0-1', '1.1-1'));

      const error = await failureOf(root().adapter().applyPlan(plan));

      expect(error.code).toBe('LOCK_HELD');
      expect(error.outputTail.join('\n')).toContain('unable to lock database');
      expect(root().query()).toEqual(new Map([['tool', '1.0-1']]));
    });

    it('applies nothing of a transaction that fails on a file conflict', async () => {
      root().install([libx2, tool10, { name: 'clash', version: '1.0-1', files: ['usr/share/common/data'] }]);
      const before = root().query();
      const plan = syncPlan();
      plan.upgrade.push(planItem('tool', '1.0-1', '1.1-1'));
      plan.downgrade.push(planItem('libx', '2.0-1', '1.0-1'));
      plan.install.push(planItem('other', null, '1.0-1'));

      const error = await failureOf(root().adapter().applyPlan(plan));

      expect(error.code).toBe('CONFLICTING_FILES');
      expect(error.outputTail.some((line) => line.includes('exists in filesystem'))).toBe(true);
      expect(root().query()).toEqual(before);
    });

    it('leaves signature checks to pacman: unsigned packages where signatures are required are SIGNATURE', async () => {
      const signed = root().another({ repositories: REPOSITORIES, requireSignatures: true });
      try {
        const fromServer = syncPlan();
        fromServer.install.push(planItem('tool', null, '1.1-1'));
        const serverError = await failureOf(signed.adapter().applyPlan(fromServer));
        expect(serverError.code).toBe('SIGNATURE');
        expect(serverError.outputTail.join('\n')).toContain('tool-1.1-1-any.pkg.tar.gz.sig');

        signed.addToCache(tool09);
        const fromCache = syncPlan();
        fromCache.install.push(planItem('tool', null, '0.9-1'));
        const cacheError = await failureOf(signed.adapter().applyPlan(fromCache));
        expect(cacheError.code).toBe('SIGNATURE');
        expect(cacheError.outputTail.join('\n')).toContain('missing required signature');
        expect(signed.query()).toEqual(new Map());
      } finally {
        signed.destroy();
      }
    });

    it('classifies a dependency nothing satisfies as MISSING_DEPENDENCY', async () => {
      const plan = syncPlan();
      plan.install.push(planItem('needy', null, '1.0-1'));
      const error = await failureOf(root().adapter().applyPlan(plan));
      expect(error.code).toBe('MISSING_DEPENDENCY');
      expect(root().query()).toEqual(new Map());
    });

    it('classifies a file the server no longer has as DOWNLOAD', async () => {
      const adapter = root().adapter();
      await adapter.readRepositories();
      rmSync(join(root().repositoryDir('arch'), 'tool-1.1-1-any.pkg.tar.gz'));
      const plan = syncPlan();
      plan.install.push(planItem('tool', null, '1.1-1'));

      const error = await failureOf(adapter.applyPlan(plan));

      expect(error.code).toBe('DOWNLOAD');
      expect(root().query()).toEqual(new Map());
    });

    it('reports a missing pacman binary clearly', async () => {
      const plan = syncPlan();
      plan.install.push(planItem('tool', null, '1.1-1'));
      const error = await failureOf(root().adapter({ command: '/nonexistent/pacman' }).readInstalledState());
      expect(error.code).toBe('PACMAN_MISSING');
      expect(error.message).toContain('/nonexistent/pacman');
    });
  });
});

// What pacman 7's download sandbox asks of the private copy when the client is root: pacman downloads as
// DownloadUser into <copy>/sync/download-XXXXXX, so that user must be able to enter every directory above.
const ROOT_VARIANTS = VARIANTS.filter(([, variant]) => variant.user === 'root');

describe.each(ROOT_VARIANTS)('PacmanAdapter refreshing its private copy as root (%s)', (_label, variant) => {
  const root = useTestRoot({ repositories: REPOSITORIES, perTest: true, variant });
  const sandboxed = variant.options.includes('DownloadUser = alpm');

  it('opens directories of the copy that an older client made 0700, so the download user can enter them', async () => {
    const copy = join(root().base, 'old-copy');
    mkdirSync(join(copy, 'sync'), { recursive: true, mode: 0o700 });
    chmodSync(copy, 0o700);

    const repositories = await root().adapter({}, { privateDbPath: copy }).readRepositories();

    expect(repositories.map((r) => r.repo_name)).toEqual(['arch', 'manjaro']);
    const modes = [copy, join(copy, 'sync')].map((dir) => statSync(dir).mode & 0o777);
    // pacman 6.0.2 has no download user: nothing needs opening, and nothing is opened.
    expect(modes).toEqual(sandboxed ? [0o755, 0o755] : [0o700, 0o700]);
  });

  it('says which directory keeps the download user out, where only the sandbox needs one', async () => {
    // Like /root/.cache: root's own, 0700, and not the client's to open.
    const closed = join(root().base, 'home', '.cache');
    mkdirSync(join(root().base, 'home'), { mode: 0o755 });
    mkdirSync(closed, { mode: 0o700 });
    const adapter = root().adapter({}, { privateDbPath: join(closed, 'pacman-sync', 'db') });

    if (!sandboxed) {
      expect((await adapter.readRepositories()).map((r) => r.repo_name)).toEqual(['arch', 'manjaro']);
      return;
    }
    const error = await failureOf(adapter.readRepositories());
    expect(error.code).toBe('DOWNLOAD');
    expect(error.outputTail.join('\n')).toMatch(/download-\w+\/arch\.db\.part: Permission denied/);
    expect(error.message).toContain(
      `pacman downloads as "alpm" (DownloadUser in pacman.conf), which cannot enter ${closed} (mode 0700)`,
    );
  });
});

describe.each(VARIANTS)('PacmanAdapter swapping iptables for iptables-nft (%s)', (_label, variant) => {
  const root = useTestRoot({ repositories: [SWAP_REPO], perTest: true, variant });

  function swapPlan(): SyncPlan {
    return syncPlan({
      install: [planItem('iptables-nft', null, '1.8.9-1', { install_reason: 'dependency' })],
      remove: [{ package_name: 'iptables', version: '1.8.9-1' }],
    });
  }

  it('installs the successor and removes the package it conflicts with in ONE transaction', async () => {
    root().install([iptables, firewallUi], { asdeps: ['iptables'] });
    const runner = new RecordingRunner();
    const transactionsBefore = root().transactionCount();

    const summary = await root().adapter({}, { runner }).applyPlan(swapPlan());

    expect(root().query()).toEqual(
      new Map([
        ['firewall-ui', '1.0-1'],
        ['iptables-nft', '1.8.9-1'],
      ]),
    );
    expect(root().transactionCount() - transactionsBefore).toBe(1);
    const log = readFileSync(root().logfile, 'utf8').split('\n');
    const started = log.findLastIndex((line) => line.includes('transaction started'));
    expect(log.slice(started + 1, started + 3).map((line) => line.replace(/^\[[^\]]*\] /, ''))).toEqual([
      '[ALPM] removed iptables (1.8.9-1)',
      '[ALPM] installed iptables-nft (1.8.9-1)',
    ]);
    // The removal happened inside -U: no separate -R, and --ask answered only the conflict question.
    expect(transactions(runner)).toEqual([
      ['-U', '--noconfirm', '--ask=4', '--', join(root().cachedir, 'iptables-nft-1.8.9-1-any.pkg.tar.gz')],
    ]);
    expect(summary).toMatchObject({ installed: 1, removed: 1 });
    // The local database is consistent: firewall-ui's dependency is met by the provision, the shared
    // file belongs to iptables-nft, and the target's install reason holds.
    expect(root().pacman(['-Dk'])).toContain('No database errors have been found!');
    expect(root().pacman(['-Qo', join(root().root, 'usr/bin/iptables')])).toContain(
      'owned by iptables-nft 1.8.9-1',
    );
    expect([...root().query('-Qd').keys()]).toEqual(['iptables-nft']);
  });

  it('goes back the same way: the installed successor conflicts with the package the plan installs', async () => {
    root().install([iptablesNft, firewallUi]);
    // From the package cache, so the conflicts come from the file's own .PKGINFO.
    const cached = root().addToCache(iptables);
    const runner = new RecordingRunner();
    const plan = syncPlan({
      install: [planItem('iptables', null, '1.8.9-1', { source: 'cache' })],
      remove: [{ package_name: 'iptables-nft', version: '1.8.9-1' }],
    });

    await root().adapter({}, { runner }).applyPlan(plan);

    expect(root().query()).toEqual(
      new Map([
        ['firewall-ui', '1.0-1'],
        ['iptables', '1.8.9-1'],
      ]),
    );
    expect(transactions(runner)).toEqual([['-U', '--noconfirm', '--ask=4', '--', cached]]);
    expect(root().pacman(['-Dk'])).toContain('No database errors have been found!');
  });

  it('refuses, before pacman starts, a conflict with a package the plan keeps', async () => {
    root().install([iptables, firewallUi]);
    const runner = new RecordingRunner();
    // remove_extra is off: the target lacks iptables, but the plan does not remove it.
    const plan = syncPlan({ install: [planItem('iptables-nft', null, '1.8.9-1')] });

    const error = await failureOf(root().adapter({}, { runner }).applyPlan(plan));

    expect(error.code).toBe('PACKAGE_CONFLICT');
    expect(error.message).toBe(
      'installing the plan would remove iptables, which the plan keeps: iptables-nft conflicts with ' +
        'installed iptables ("iptables"); nothing was changed',
    );
    expect(transactions(runner)).toEqual([]);
    expect(root().query()).toEqual(
      new Map([
        ['firewall-ui', '1.0-1'],
        ['iptables', '1.8.9-1'],
      ]),
    );
  });

  it('refuses when the conflict also reaches a package that only provides the name', async () => {
    root().install([iptables, legacyFirewall]);
    const runner = new RecordingRunner();

    const error = await failureOf(root().adapter({}, { runner }).applyPlan(swapPlan()));

    expect(error.code).toBe('PACKAGE_CONFLICT');
    expect(error.message).toContain('would remove legacy-fw, which the plan keeps');
    expect(transactions(runner)).toEqual([]);
    expect(root().query()).toEqual(
      new Map([
        ['iptables', '1.8.9-1'],
        ['legacy-fw', '1.0-1'],
      ]),
    );
  });

  it('applies a versioned conflict only to the versions it names', async () => {
    const plan = syncPlan({ install: [planItem('picky', null, '1.0-1')] });
    root().install([libx2]);
    const runner = new RecordingRunner();
    await root().adapter({}, { runner }).applyPlan(plan);
    // libx 2.0 is not "libx<2": an ordinary install, without --ask.
    expect(transactions(runner)[0].slice(0, 3)).toEqual(['-U', '--noconfirm', '--']);
    expect(root().query()).toEqual(
      new Map([
        ['libx', '2.0-1'],
        ['picky', '1.0-1'],
      ]),
    );

    root().pacman(['-R', '--', 'picky', 'libx']);
    root().install([libx1]);
    const refused = await failureOf(root().adapter().applyPlan(plan));
    expect(refused.code).toBe('PACKAGE_CONFLICT');
    expect(refused.message).toContain('picky conflicts with installed libx ("libx<2")');
    expect(root().query()).toEqual(new Map([['libx', '1.0-1']]));
  });

  it('refuses a plan that installs two packages that conflict with each other', async () => {
    const runner = new RecordingRunner();
    const plan = syncPlan({
      install: [planItem('iptables', null, '1.8.9-1'), planItem('iptables-nft', null, '1.8.9-1')],
    });

    const error = await failureOf(root().adapter({}, { runner }).applyPlan(plan));

    // pacman itself would quietly drop iptables from the transaction, since iptables-nft provides it.
    expect(error.code).toBe('PACKAGE_CONFLICT');
    expect(error.message).toContain('iptables-nft conflicts with iptables ("iptables")');
    expect(transactions(runner)).toEqual([]);
    expect(root().query()).toEqual(new Map());
  });

  it('refuses a swap when another file of the plan can only be read after pacman downloads it', async () => {
    root().install([iptables]);
    const runner = new RecordingRunner();
    const plan = swapPlan();
    plan.install.push(planItem('tool', null, '0.5-1', { source: 'archive' }));

    // An archive nobody answers for (the port refuses): the client leaves the download to pacman.
    const error = await failureOf(
      root().adapter({ archiveUrl: 'http://127.0.0.1:1' }, { runner }).applyPlan(plan),
    );

    expect(error.code).toBe('PACKAGE_CONFLICT');
    expect(error.message).toContain(
      'what tool 0.5-1 conflicts with is known only once pacman has downloaded it',
    );
    expect(transactions(runner)).toEqual([]);
    expect(root().query()).toEqual(new Map([['iptables', '1.8.9-1']]));
  });

  it('lets pacman refuse a conflict nobody could see coming, and classifies it', async () => {
    root().install([iptables]);
    // A cached file whose name says one package while it holds another: the adapter cannot trust its
    // metadata, so pacman meets the conflict itself and --noconfirm answers no.
    const disguised = join(root().cachedir, 'renamed-1.0-1-any.pkg.tar.gz');
    copyFileSync(root().addToCache(iptablesNft), disguised);
    const plan = syncPlan({ install: [planItem('renamed', null, '1.0-1', { source: 'cache' })] });

    const error = await failureOf(root().adapter().applyPlan(plan));

    expect(error.code).toBe('PACKAGE_CONFLICT');
    // pacman 7 names both packages with their versions ("iptables-nft-1.8.9-1 and iptables-1.8.9-1").
    expect(error.outputTail).toContainEqual(
      expect.stringMatching(/^:: iptables-nft(-1\.8\.9-1)? and iptables(-1\.8\.9-1)? are in conflict$/),
    );
    expect(root().query()).toEqual(new Map([['iptables', '1.8.9-1']]));
  });
});

function execArch(): string {
  return execFileSync('uname', ['-m']).toString().trim();
}
