import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { machine } from 'node:os';
import { join } from 'node:path';

import {
  compilePacmanHolds,
  DEFAULT_SYNC_POLICY,
  planSync,
  type PackageState,
  type SystemState,
} from '@pacman-sync/shared';

import { HttpTestServer, serveDirectory } from '../../../test/support/http-test-server';
import {
  buildPackage,
  createSigningKey,
  dropSigningKey,
  exportPublicKey,
  PackageSpec,
  SigningKey,
  TestRoot,
  useTestRoot,
} from '../../../test/support/pacman-fixture';
import {
  app1,
  app2,
  ARCH_LAYOUT,
  libx1,
  libx2,
  MANJARO_LAYOUT,
  tool09,
  tool10,
  tool11,
} from '../../../test/support/packages';
import { failureOf } from '../../../test/support/failures';
import { planItem, syncPlan } from '../../../test/support/plans';
import { pacmanVariants, PacmanVariant } from '../../../test/support/pacman-variants';
import { RecordingRunner } from '../../../test/support/recording-runner';

const VARIANTS = pacmanVariants().map((variant) => [variant.label, variant] as const);

/** Whether the client started pacman for a change, itself or through an elevation. */
function startedAChange(runner: RecordingRunner, variant: PacmanVariant): boolean {
  return runner.calls.some(
    (call) =>
      call.program === 'sudo' ||
      call.program === 'pkexec' ||
      (call.program === variant.command && call.args.some((arg) => ['-Sw', '-U', '-D', '-R'].includes(arg))),
  );
}

/** The state as pacman-sync would report it, with the versions and reasons of `packages`. */
function stateOf(packages: Array<[PackageSpec, PackageState['install_reason']?]>): SystemState {
  return {
    pacman_version: '6.0.2',
    architecture: machine(),
    packages: packages.map(([spec, reason]) => ({
      package_name: spec.name,
      version: spec.version,
      repository: 'extra',
      installed_size: 4096,
      dependencies: [],
      install_reason: reason ?? 'explicit',
    })),
  };
}

const xorgServerOld: PackageSpec = { name: 'xorg-server', version: '21.1.13-1', groups: ['xorg'] };
const xorgServer: PackageSpec = { name: 'xorg-server', version: '21.1.14-1', groups: ['xorg'] };
const xinit: PackageSpec = { name: 'xorg-xinit', version: '1.4.2-1', groups: ['xorg'] };
const linuxOld: PackageSpec = { name: 'linux', version: '6.12.1-1' };
const linux: PackageSpec = { name: 'linux', version: '6.12.4-1' };
const firmwareOld: PackageSpec = { name: 'linux-firmware', version: '20241111-1' };
const firmware: PackageSpec = { name: 'linux-firmware', version: '20241210-1' };

describe.each(VARIANTS)("pacman.conf's IgnorePkg and IgnoreGroup (%s)", (_label, variant) => {
  const root = useTestRoot({
    variant,
    repositories: [{ name: 'extra', packages: [xorgServer, xinit, linux, firmware, tool11, libx2, app2] }],
    // fnmatch patterns as pacman matches them: a bracket class with negation, a POSIX class.
    options: ['IgnorePkg = linux-fi* t[!a-n]ol lib[[:digit:]]', 'IgnoreGroup = xo[r]g'],
    perTest: true,
    prepare: (r) => r.install([xorgServerOld, linuxOld, firmwareOld, tool10, libx1, app1]),
  });

  it('reports what pacman.conf holds, and holds exactly what pacman itself marks [ignored]', async () => {
    const offer = await root().adapter().readPackageOffer();
    expect(offer.holds).toEqual({
      ignore_pkg: ['linux-fi*', 't[!a-n]ol', 'lib[[:digit:]]'],
      ignore_group: ['xo[r]g'],
      // xorg-xinit is not installed: its group comes from the sync database.
      ignored_group_members: [
        { package_name: 'xorg-server', group: 'xorg' },
        { package_name: 'xorg-xinit', group: 'xorg' },
      ],
    });
    // pacman -Qu marks what it will not upgrade with [ignored] (alpm_pkg_should_ignore): the oracle.
    const upgrades = root()
      .pacman(['-Qu'])
      .trim()
      .split('\n')
      .map((line) => ({ name: line.split(' ')[0], ignored: line.endsWith('[ignored]') }));
    expect(upgrades.map((upgrade) => upgrade.name).sort()).toEqual([
      'app',
      'libx',
      'linux',
      'linux-firmware',
      'tool',
      'xorg-server',
    ]);
    const holdOf = compilePacmanHolds(offer.holds);
    for (const upgrade of upgrades)
      expect([upgrade.name, holdOf(upgrade.name) !== null]).toEqual([upgrade.name, upgrade.ignored]);
    expect(
      upgrades
        .filter((upgrade) => upgrade.ignored)
        .map((upgrade) => upgrade.name)
        .sort(),
    ).toEqual(['linux-firmware', 'tool', 'xorg-server']);
  });

  it('plans around the holds with the shared planner and applies the rest', async () => {
    const adapter = root().adapter();
    const current = await adapter.readInstalledState();
    const wanted = stateOf([[xorgServer], [xinit], [linux], [firmware], [tool11], [libx2], [app2]]);
    const plan = planSync(current, wanted, DEFAULT_SYNC_POLICY, await adapter.readPackageOffer());
    expect(plan.held.map((hold) => [hold.package_name, hold.change, hold.reason, hold.held_by])).toEqual([
      ['linux-firmware', 'upgrade', 'ignore_pkg', 'linux-fi*'],
      ['tool', 'upgrade', 'ignore_pkg', 't[!a-n]ol'],
      ['xorg-server', 'upgrade', 'ignore_group', 'xorg'],
      ['xorg-xinit', 'install', 'ignore_group', 'xorg'],
    ]);

    await adapter.applyPlan(plan);

    expect(root().query()).toEqual(
      new Map([
        ['app', '2.0-1'],
        ['libx', '2.0-1'],
        ['linux', '6.12.4-1'],
        ['linux-firmware', '20241111-1'],
        ['tool', '1.0-1'],
        ['xorg-server', '21.1.13-1'],
      ]),
    );
  });

  it('refuses a plan that changes a held package, whatever the change, before pacman starts', async () => {
    const runner = new RecordingRunner();
    const plan = syncPlan({
      upgrade: [planItem('linux', '6.12.1-1', '6.12.4-1'), planItem('tool', '1.0-1', '1.1-1')],
      remove: [{ package_name: 'xorg-server', version: '21.1.13-1' }],
      reasons: [
        {
          package_name: 'linux-firmware',
          version: '20241111-1',
          from_reason: 'explicit',
          to_reason: 'dependency',
        },
      ],
    });

    const error = await failureOf(root().adapter({}, { runner }).applyPlan(plan));

    expect(error.code).toBe('PACKAGE_HELD');
    expect(error.message).toBe(
      "the plan changes packages this machine's pacman.conf holds, and the pool does not override their holds: " +
        'tool (IgnorePkg t[!a-n]ol), linux-firmware (IgnorePkg linux-fi*), xorg-server (IgnoreGroup xorg); ' +
        'nothing was changed',
    );
    expect(startedAChange(runner, variant)).toBe(false);
    expect(root().query().get('linux')).toBe('6.12.1-1');
  });

  it('checks the groups a cache file declares when no database lists the version', async () => {
    // xterm is installed outside any group and no repository has it; its older build in the cache was in xorg.
    root().install([{ name: 'xterm', version: '395-1' }]);
    root().addToCache({ name: 'xterm', version: '390-1', groups: ['xorg'] });
    const runner = new RecordingRunner();
    const error = await failureOf(
      root()
        .adapter({}, { runner })
        .applyPlan(syncPlan({ downgrade: [planItem('xterm', '395-1', '390-1', { source: 'cache' })] })),
    );
    expect(error.code).toBe('PACKAGE_HELD');
    expect(error.message).toContain(': xterm (IgnoreGroup xorg);');
    expect(startedAChange(runner, variant)).toBe(false);
  });

  it('changes a held package when the plan says the pool overrides its hold', async () => {
    const plan = syncPlan({
      upgrade: [planItem('tool', '1.0-1', '1.1-1')],
      overridden_holds: [
        {
          package_name: 'tool',
          change: 'upgrade',
          installed_version: '1.0-1',
          wanted_version: '1.1-1',
          reason: 'ignore_pkg',
          held_by: 't[!a-n]ol',
        },
      ],
    });
    await root().adapter().applyPlan(plan);
    expect(root().query().get('tool')).toBe('1.1-1');
  });
});

describe.each(VARIANTS)('every mirror of a repository, in order (%s)', (_label, variant) => {
  const root = useTestRoot({
    variant,
    repositories: [
      {
        name: 'extra',
        packages: [tool11, libx2],
        // A mirror that is gone and one that refuses connections come first, as a stale mirrorlist has them.
        servers: { before: ['file:///nonexistent/mirror/$repo', 'http://127.0.0.1:1/$repo'] },
      },
    ],
    perTest: true,
  });

  it('reports the first server, and downloads from the first mirror that has the file', async () => {
    const adapter = root().adapter();
    expect((await adapter.readRepositories()).map((r) => r.repo_url)).toEqual([
      'file:///nonexistent/mirror/extra',
    ]);
    const elevationsBefore = root().elevations();
    const summary = await adapter.applyPlan(syncPlan({ install: [planItem('tool', null, '1.1-1')] }));
    expect(root().query()).toEqual(new Map([['tool', '1.1-1']]));
    expect(summary.steps[0]).toEqual({
      action: 'download',
      dbpath: root().privateDbPath,
      packages: [{ repository: 'extra', name: 'tool' }],
    });
    // The download is one of the plan's steps: a desktop user still authorizes once, and the file lands in
    // the root-owned cache, where -U takes it from.
    expect(root().elevations() - elevationsBefore).toBe(variant.user === 'desktop' ? 1 : 0);
    expect(summary.files).toEqual([join(root().cachedir, 'tool-1.1-1-any.pkg.tar.gz')]);
  });

  it('fails with DOWNLOAD, changing nothing, when no mirror has the file', async () => {
    const adapter = root().adapter();
    await adapter.readRepositories();
    rmSync(join(root().repositoryDir('extra'), 'tool-1.1-1-any.pkg.tar.gz'));
    const error = await failureOf(
      adapter.applyPlan(syncPlan({ install: [planItem('tool', null, '1.1-1')] })),
    );
    expect(error.code).toBe('DOWNLOAD');
    expect(root().query()).toEqual(new Map());
  });
});

describe.each(VARIANTS)('every Architecture value (%s)', (_label, variant) => {
  const v3 = `${machine()}_v3`;
  const fast: PackageSpec = { name: 'fastmath', version: '1.0-1', arch: v3 };
  const fastNext: PackageSpec = { name: 'fastmath', version: '1.1-1', arch: v3 };
  const root = useTestRoot({
    variant,
    architecture: `auto ${v3}`,
    repositories: [{ name: `extra-v3`, layout: '$arch/$repo', packages: [fastNext] }],
    perTest: true,
  });

  it('reports the first as the system architecture and installs cached and repository files of the others', async () => {
    const adapter = root().adapter();
    expect((await adapter.readInstalledState()).architecture).toBe(machine());
    const cached = root().addToCache(fast);
    expect(cached.endsWith(`fastmath-1.0-1-${v3}.pkg.tar.gz`)).toBe(true);

    await adapter.applyPlan(
      syncPlan({ install: [planItem('fastmath', null, '1.0-1', { source: 'cache' })] }),
    );
    expect(root().query()).toEqual(new Map([['fastmath', '1.0-1']]));

    await adapter.applyPlan(
      syncPlan({ upgrade: [planItem('fastmath', '1.0-1', '1.1-1', { repository: 'extra-v3' })] }),
    );
    expect(root().query()).toEqual(new Map([['fastmath', '1.1-1']]));
  });

  it('never takes a cached file of an architecture pacman.conf does not list', async () => {
    root().addToCache({ ...fast, arch: 'riscv64' });
    const error = await failureOf(
      root()
        .adapter()
        .applyPlan(syncPlan({ install: [planItem('fastmath', null, '1.0-1', { source: 'cache' })] })),
    );
    expect(error.code).toBe('NOT_FOUND');
  });
});

describe.each(VARIANTS)('the archive (%s)', (_label, variant) => {
  const tool05: PackageSpec = { name: 'tool', version: '0.5-1' };
  const tool04: PackageSpec = { name: 'tool', version: '0.4-1' };
  const root = useTestRoot({
    variant,
    repositories: [
      // Arch Linux's own core, on a mirror with Arch's layout.
      { name: 'core', layout: ARCH_LAYOUT, packages: [tool11, libx2] },
      // Manjaro's extra: same kind of name, Manjaro's mirror, Manjaro's builds.
      { name: 'extra', layout: MANJARO_LAYOUT, packages: [app2] },
    ],
    perTest: true,
    prepare: (r) => {
      r.addToArchive(tool05);
      r.addToArchive(tool04, '.pkg.tar.xz');
      r.addToArchive(app1);
    },
  });

  it('takes a version only the archive has, as .pkg.tar.zst', async () => {
    const summary = await root()
      .adapter({ archiveUrl: `file://${root().archiveDir}` })
      .applyPlan(syncPlan({ install: [planItem('tool', null, '0.5-1', { source: 'archive' })] }));
    expect(summary.files).toEqual([`file://${root().archiveDir}/packages/t/tool/tool-0.5-1-any.pkg.tar.zst`]);
    expect(root().query().get('tool')).toBe('0.5-1');
  });

  it('falls back to .pkg.tar.xz for a package built before zstd, over file:// and over http', async () => {
    const plan = syncPlan({ install: [planItem('tool', null, '0.4-1', { source: 'archive' })] });
    const local = await root()
      .adapter({ archiveUrl: `file://${root().archiveDir}` })
      .applyPlan(plan);
    expect(local.files).toEqual([`file://${root().archiveDir}/packages/t/tool/tool-0.4-1-any.pkg.tar.xz`]);
    expect(root().query().get('tool')).toBe('0.4-1');

    root().pacman(['-R', '--', 'tool']);
    // pacman -U keeps what it downloads in the cache, where the next resolution would find it first.
    rmSync(join(root().cachedir, 'tool-0.4-1-any.pkg.tar.xz'));
    const archive = (await HttpTestServer.start()).otherwise(serveDirectory(root().archiveDir));
    try {
      const remote = await root().adapter({ archiveUrl: archive.url }).applyPlan(plan);
      expect(remote.files).toEqual([`${archive.url}/packages/t/tool/tool-0.4-1-any.pkg.tar.xz`]);
      expect(root().query().get('tool')).toBe('0.4-1');
      // The client asked for .zst first (404), then .xz, and pacman downloaded the .xz.
      const asked = archive.requests.map((request) => `${request.method} ${request.url.split('/').pop()}`);
      expect(asked.slice(0, 3)).toEqual([
        'HEAD tool-0.4-1-any.pkg.tar.zst',
        'HEAD tool-0.4-1-any.pkg.tar.xz',
        'GET tool-0.4-1-any.pkg.tar.xz',
      ]);
    } finally {
      await archive.close();
    }
  });

  it("never offers the archive for a repository that is not Arch Linux's, in the planner or the client", async () => {
    const adapter = root().adapter({ archiveUrl: `file://${root().archiveDir}` });
    const wanted = stateOf([[app1], [tool04]]);
    const plan = planSync(stateOf([]), wanted, DEFAULT_SYNC_POLICY, await adapter.readPackageOffer());
    expect(plan.install.map((item) => [item.package_name, item.source])).toEqual([['tool', 'archive']]);
    expect(plan.unavailable.map((item) => item.package_name)).toEqual(['app']);

    const runner = new RecordingRunner();
    const error = await failureOf(
      root()
        .adapter({ archiveUrl: `file://${root().archiveDir}` }, { runner })
        .applyPlan(syncPlan({ install: [planItem('app', null, '1.0-1', { source: 'archive' })] })),
    );
    expect(error.code).toBe('NOT_FOUND');
    expect(startedAChange(runner, variant)).toBe(false);
  });

  it("refuses the archive when RemoteFileSigLevel is weaker than the Arch repository's SigLevel", async () => {
    const strict = root().another({
      repositories: [{ name: 'core', layout: ARCH_LAYOUT, sigLevel: 'PackageRequired', packages: [tool11] }],
      options: ['RemoteFileSigLevel = PackageOptional'],
    });
    try {
      strict.addToArchive(tool05);
      const runner = new RecordingRunner();
      const error = await failureOf(
        strict
          .adapter({ archiveUrl: `file://${strict.archiveDir}` }, { runner })
          .applyPlan(syncPlan({ install: [planItem('tool', null, '0.5-1', { source: 'archive' })] })),
      );
      expect(error.code).toBe('SIGNATURE');
      expect(error.message).toBe(
        'tool 0.5-1 would come from the archive, whose files pacman -U checks with RemoteFileSigLevel ' +
          '(Optional TrustedOnly), weaker than the SigLevel of [core] (Required TrustedOnly); set ' +
          'RemoteFileSigLevel to at least that in pacman.conf; nothing was changed',
      );
      expect(startedAChange(runner, variant)).toBe(false);
    } finally {
      strict.destroy();
    }
  });
});

describe.each(VARIANTS)("a file is checked with its repository's SigLevel (%s)", (_label, variant) => {
  // The most permissive settings for files pacman -U is given: only the repository's SigLevel can refuse.
  const root = useTestRoot({
    variant,
    repositories: [
      { name: 'strict', sigLevel: 'PackageRequired', packages: [tool11] },
      { name: 'lax', packages: [libx2] },
    ],
    options: ['LocalFileSigLevel = Never', 'RemoteFileSigLevel = Never'],
    perTest: true,
  });

  it("refuses an unsigned file from a repository that requires signatures, although -U's levels are Never", async () => {
    const error = await failureOf(
      root()
        .adapter()
        .applyPlan(syncPlan({ install: [planItem('tool', null, '1.1-1'), planItem('libx', null, '2.0-1')] })),
    );
    expect(error.code).toBe('SIGNATURE');
    expect(error.message).toMatch(/^pacman -Sw failed/);
    expect(root().query()).toEqual(new Map());
    // What the client used to run: pacman -U of the repository's URL takes it, under RemoteFileSigLevel.
    root().pacman(['-U', '--', `file://${root().repositoryDir('strict')}/tool-1.1-1-any.pkg.tar.gz`]);
    expect(root().query()).toEqual(new Map([['tool', '1.1-1']]));
  });

  it('checks a cached file the repository offers against that repository too', async () => {
    copyFileSync(buildPackage(tool11), join(root().cachedir, 'tool-1.1-1-any.pkg.tar.gz'));
    const error = await failureOf(
      root()
        .adapter()
        .applyPlan(syncPlan({ install: [planItem('tool', null, '1.1-1', { source: 'cache' })] })),
    );
    expect(error.code).toBe('SIGNATURE');
    expect(root().query()).toEqual(new Map());
  });

  it("takes what the repository's SigLevel accepts, and a version no repository offers by LocalFileSigLevel", async () => {
    root().addToCache(tool09);
    await root()
      .adapter()
      .applyPlan(
        syncPlan({
          install: [planItem('libx', null, '2.0-1'), planItem('tool', null, '0.9-1', { source: 'cache' })],
        }),
      );
    expect(root().query()).toEqual(
      new Map([
        ['libx', '2.0-1'],
        ['tool', '0.9-1'],
      ]),
    );
  });

  it('installs from an unsigned custom repository where pacman -S would, although remote files need signatures', async () => {
    // Arch's defaults (Required, RemoteFileSigLevel the same, LocalFileSigLevel Optional) and a custom
    // repository of its own packages that says `SigLevel = Optional TrustAll`.
    const custom = root().another({
      sigLevel: 'Required DatabaseOptional',
      options: ['LocalFileSigLevel = Optional'],
      repositories: [{ name: 'custom', sigLevel: 'Optional TrustAll', packages: [tool11] }],
    });
    try {
      await custom.adapter().applyPlan(syncPlan({ install: [planItem('tool', null, '1.1-1')] }));
      expect(custom.query()).toEqual(new Map([['tool', '1.1-1']]));
      // pacman -U of the same repository URL, as the client used to run it, refuses the unsigned file.
      expect(() =>
        custom.pacman(['-U', '--', `file://${custom.repositoryDir('custom')}/tool-1.1-1-any.pkg.tar.gz`]),
      ).toThrow(/missing required signature/);
    } finally {
      custom.destroy();
    }
  });
});

describe.each(VARIANTS)(
  'a new keyring is installed first, in a transaction of its own (%s)',
  (_label, variant) => {
    let oldKey: SigningKey;
    let newKey: SigningKey;
    let root: TestRoot;

    beforeAll(() => {
      oldKey = createSigningKey('old-packager');
      newKey = createSigningKey('new-packager');
    });
    afterAll(() => {
      dropSigningKey(oldKey);
      dropSigningKey(newKey);
    });

    const keyring = (version: string, key: SigningKey | null): PackageSpec => ({
      name: 'test-keyring',
      version,
      files: ['usr/share/pacman/keyrings/test.gpg'],
      contents: { 'usr/share/pacman/keyrings/test.gpg': key ? exportPublicKey(key) : '' },
      // What archlinux-keyring's scriptlet does with pacman-key --populate, without gpg in the root:
      // pacman's keyring is a plain OpenPGP keyring file, so appending the key adds it.
      install: [
        'post_install() {',
        '  /usr/bin/cat /usr/share/pacman/keyrings/test.gpg >> /etc/pacman.d/gnupg/pubring.gpg',
        '}',
        'post_upgrade() {',
        '  post_install',
        '}',
        '',
      ].join('\n'),
    });

    // The suite's own root only carries the variant (and the desktop user's session) for the keyring roots.
    const base = useTestRoot({ variant, repositories: [] });

    beforeEach(() => {
      root = base().another({
        // Fixture packages are installed unsigned; repository files must be signed by a key pacman has.
        sigLevel: 'Optional TrustAll',
        repositories: [
          {
            name: 'core',
            layout: ARCH_LAYOUT,
            sigLevel: 'PackageRequired PackageTrustAll',
            packages: [keyring('2-1', newKey)],
            signedBy: oldKey,
          },
          {
            name: 'extra',
            layout: ARCH_LAYOUT,
            sigLevel: 'PackageRequired PackageTrustAll',
            packages: [app2, libx2],
            signedBy: newKey,
          },
        ],
      });
      root.installHostPrograms(['/usr/bin/cat']);
      root.trustKey(oldKey);
      root.install([keyring('1-1', null), app1, libx1]);
    });
    afterEach(() => root?.destroy());

    it('so that the packages signed with its new key pass the signature check', async () => {
      // Before the new keyring, the machine cannot check the new packager's signatures (the key is unknown;
      // --ask=64 declines pacman's offer to fetch it from a keyserver).
      expect(() => root.pacman(['-Sw', '--ask=64', '--', 'extra/app'])).toThrow();
      const transactionsBefore = root.transactionCount();
      const elevationsBefore = root.elevations();

      const summary = await root.adapter().applyPlan(
        syncPlan({
          upgrade: [
            planItem('app', '1.0-1', '2.0-1'),
            planItem('libx', '1.0-1', '2.0-1'),
            planItem('test-keyring', '1-1', '2-1'),
          ],
        }),
      );

      expect(root.query()).toEqual(
        new Map([
          ['app', '2.0-1'],
          ['libx', '2.0-1'],
          ['test-keyring', '2-1'],
        ]),
      );
      expect(
        summary.steps.map((step) => [
          step.action,
          step.packages.map((target) => (typeof target === 'string' ? target : target.name)),
        ]),
      ).toEqual([
        ['download', ['test-keyring']],
        ['upgrade', ['test-keyring']],
        ['download', ['app', 'libx']],
        ['upgrade', ['app', 'libx']],
      ]);
      // Two transactions, still one authorization for a desktop user.
      expect(root.transactionCount() - transactionsBefore).toBe(2);
      expect(root.elevations() - elevationsBefore).toBe(variant.user === 'desktop' ? 1 : 0);
      const log = readFileSync(root.logfile, 'utf8')
        .split('\n')
        .filter((line) => /transaction started|upgraded /.test(line))
        .map((line) => line.replace(/^\[[^\]]*\] \[ALPM\] /, ''));
      expect(log.slice(-5)).toEqual([
        'transaction started',
        'upgraded test-keyring (1-1 -> 2-1)',
        'transaction started',
        // pacman orders a transaction by dependencies: libx before app, which needs it.
        'upgraded libx (1.0-1 -> 2.0-1)',
        'upgraded app (1.0-1 -> 2.0-1)',
      ]);
    });
  },
);

describe.each(VARIANTS)('install reasons (%s)', (_label, variant) => {
  const root = useTestRoot({
    variant,
    repositories: [{ name: 'extra', packages: [tool11, libx2, app2] }],
    perTest: true,
    prepare: (r) => r.install([libx2, tool10, app1], { asdeps: ['tool', 'app'] }),
  });

  it('sets a reason-only difference with one pacman -D per reason, and no transaction', async () => {
    const transactionsBefore = root().transactionCount();
    const summary = await root()
      .adapter()
      .applyPlan(
        syncPlan({
          reasons: [
            { package_name: 'libx', version: '2.0-1', from_reason: 'explicit', to_reason: 'dependency' },
            { package_name: 'tool', version: '1.0-1', from_reason: 'dependency', to_reason: 'explicit' },
            { package_name: 'app', version: '1.0-1', from_reason: 'dependency', to_reason: 'explicit' },
          ],
        }),
      );
    expect(summary.steps).toEqual([
      { action: 'reason', reason: 'dependency', packages: ['libx'] },
      { action: 'reason', reason: 'explicit', packages: ['tool', 'app'] },
    ]);
    expect(summary.reasonsSet).toBe(3);
    expect([...root().query('-Qd').keys()]).toEqual(['libx']);
    expect([...root().query('-Qe').keys()]).toEqual(['app', 'tool']);
    expect(root().transactionCount()).toBe(transactionsBefore);
  });

  it('runs no pacman -D where pacman -U leaves the wanted reasons anyway', async () => {
    const summary = await root()
      .adapter()
      .applyPlan(
        syncPlan({
          // tool stays a dependency and app stays one through their upgrades; libx is already explicit.
          upgrade: [
            planItem('tool', '1.0-1', '1.1-1', { install_reason: 'dependency' }),
            planItem('app', '1.0-1', '2.0-1', { install_reason: 'dependency' }),
          ],
          reasons: [
            { package_name: 'libx', version: '2.0-1', from_reason: 'dependency', to_reason: 'explicit' },
          ],
        }),
      );
    expect(summary.steps.map((step) => step.action)).toEqual(['download', 'upgrade']);
    expect([...root().query('-Qd').keys()]).toEqual(['app', 'tool']);
  });
});
