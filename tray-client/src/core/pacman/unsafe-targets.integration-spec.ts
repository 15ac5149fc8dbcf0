import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { SyncPlan } from '@pacman-sync/shared';

import { useTestRoot } from '../../../test/support/pacman-fixture';
import { REPOSITORIES, tool10 } from '../../../test/support/packages';
import { pacmanVariants } from '../../../test/support/pacman-variants';
import { planItem, syncPlan } from '../../../test/support/plans';
import { RecordingRunner } from '../../../test/support/recording-runner';
import { UnsafeTargetError } from './pacman-errors';
import { parseStepDocument, stepArguments } from './pacman-steps';

const HOSTILE_NAMES = [
  '--root=/',
  '-',
  '-Syu',
  'core/linux',
  'x>=1',
  '../x',
  '/etc/passwd',
  'https://evil.example/x-1-1-any.pkg.tar.zst',
  'file:///tmp/x.pkg.tar.zst',
  'x\n--root=/',
  'x y',
  '',
  '.hidden',
];
const HOSTILE_VERSIONS = ['1.0-1 --root=/', '--1.0-1', '1.0', '../../1-1', '1-1\n', '1/2-1', 'a:1.0-1', ''];

const VARIANTS = pacmanVariants().map((variant) => [variant.label, variant] as const);

describe.each(VARIANTS)(
  'a compromised server cannot put arguments on pacman command line (%s)',
  (_label, variant) => {
    // Nothing here may change the root, so one root serves every case.
    const root = useTestRoot({ repositories: REPOSITORIES, variant });
    let record: string;
    let fakePacman: string;

    beforeAll(() => {
      // Where the client's user may write: the stand-in runs as that user.
      const dir = root().session?.home ?? root().base;
      record = join(dir, 'argv.log');
      fakePacman = join(dir, 'fake-pacman');
      // A stand-in pacman that only writes down how it was called.
      writeFileSync(fakePacman, `#!/bin/sh\nprintf '%s\\n' "$@" >> '${record}'\necho '---' >> '${record}'\n`);
      chmodSync(fakePacman, 0o755);
    });
    beforeEach(() => rmSync(record, { force: true }));

    const cases: Array<[string, SyncPlan]> = [
      ...HOSTILE_NAMES.map((name): [string, SyncPlan] => [
        `install name ${JSON.stringify(name)}`,
        syncPlan({ install: [planItem(name, null, '1.0-1')] }),
      ]),
      ...HOSTILE_NAMES.map((name): [string, SyncPlan] => [
        `remove name ${JSON.stringify(name)}`,
        syncPlan({ remove: [{ package_name: name, version: '1.0-1' }] }),
      ]),
      ...HOSTILE_VERSIONS.map((version): [string, SyncPlan] => [
        `downgrade version ${JSON.stringify(version)}`,
        syncPlan({ downgrade: [planItem('tool', null, version, { from_version: '1.0-1' })] }),
      ]),
      ['repository "../x"', syncPlan({ upgrade: [planItem('tool', null, '1.1-1', { repository: '../x' })] })],
      [
        'install reason "--asexplicit"',
        syncPlan({
          install: [planItem('tool', null, '1.1-1', { install_reason: '--asexplicit' as 'explicit' })],
        }),
      ],
      // One bad target among good ones stops the whole plan.
      [
        'a hostile name after valid ones',
        syncPlan({
          install: [
            planItem('tool', null, '1.1-1'),
            planItem('extra', null, '1:1.0-1'),
            planItem('-', null, '1.0-1'),
          ],
        }),
      ],
    ];

    it.each(cases)('rejects %s before starting any program', async (_label, hostile) => {
      const runner = new RecordingRunner();
      const adapter = root().adapter({ command: fakePacman }, { runner });

      await expect(adapter.applyPlan(hostile, { acceptUnavailable: true })).rejects.toThrow(
        UnsafeTargetError,
      );

      expect(runner.calls).toEqual([]);
      expect(existsSync(record)).toBe(false);
    });

    it('hands a valid plan to pacman with -- before the targets (the spy works)', async () => {
      root().install([tool10]);
      const runner = new RecordingRunner();
      const adapter = root().adapter({ command: fakePacman }, { runner });

      // The target wants tool as a dependency, so a reason step follows the upgrade.
      await adapter.applyPlan(
        syncPlan({
          upgrade: [planItem('tool', null, '1.1-1', { from_version: '1.0-1', install_reason: 'dependency' })],
        }),
      );

      const cached = join(root().cachedir, 'tool-1.1-1-any.pkg.tar.gz');
      const download = [
        '-Sw',
        '--noconfirm',
        '--nodeps',
        '--nodeps',
        `--dbpath=${root().privateDbPath}`,
        '--',
        'arch/tool',
      ];
      const invocations = readFileSync(record, 'utf8')
        .split('---\n')
        .filter(Boolean)
        .map((block) => block.trimEnd().split('\n'));
      const changes = invocations.filter((argv) => ['-Sw', '-U', '-D'].some((flag) => argv.includes(flag)));
      if (variant.user === 'root') {
        // Root's client runs the configured pacman (here the stand-in) for every step itself.
        const fetched = changes.find((argv) => argv.includes('-Sw'))!;
        expect(fetched.slice(fetched.indexOf('-Sw'))).toEqual(download);
        const upgrade = changes.find((argv) => argv.includes('-U'))!;
        expect(upgrade.slice(upgrade.indexOf('-U'))).toEqual(['-U', '--noconfirm', '--', cached]);
        expect(upgrade).toContain(`--root=${root().root}`);
        const reason = changes.find((argv) => argv.includes('-D'))!;
        expect(reason.slice(reason.indexOf('-D'))).toEqual(['-D', '--asdeps', '--', 'tool']);
      } else {
        // A desktop user's client never picks the pacman that runs as root: pacman-sync-privileged runs the
        // one its administrator configured (the real one here), so the stand-in only refreshed the private copy.
        expect(changes).toEqual([]);
        const elevated = runner.calls.find((call) => call.input !== undefined)!;
        expect(parseStepDocument(JSON.parse(elevated.input!)).map(stepArguments)).toEqual([
          download,
          ['-U', '--noconfirm', '--', cached],
          ['-D', '--asdeps', '--', 'tool'],
        ]);
        expect(root().query().get('tool')).toBe('1.1-1');
      }
      expect(runner.calls.every((call) => call.program !== 'sh' && call.program !== '/bin/sh')).toBe(true);
    });
  },
);
