import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { SyncPlan } from '@pacman-sync/shared';

import { useTestRoot } from '../../../test/support/pacman-fixture';
import { REPOSITORIES, tool10 } from '../../../test/support/packages';
import { planItem, syncPlan } from '../../../test/support/plans';
import { RecordingRunner } from '../../../test/support/recording-runner';
import { UnsafeTargetError } from './pacman-errors';

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

describe('a compromised server cannot put arguments on pacman command line', () => {
  // Nothing here may change the root, so one root serves every case.
  const root = useTestRoot({ repositories: REPOSITORIES });
  let record: string;
  let fakePacman: string;

  beforeAll(() => {
    record = join(root().base, 'argv.log');
    fakePacman = join(root().base, 'fake-pacman');
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

    await expect(adapter.applyPlan(hostile, { acceptUnavailable: true })).rejects.toThrow(UnsafeTargetError);

    expect(runner.calls).toEqual([]);
    expect(existsSync(record)).toBe(false);
  });

  it('does start the stand-in for a valid plan, with -- before the targets (the spy works)', async () => {
    root().install([tool10]);
    const runner = new RecordingRunner();
    const adapter = root().adapter({ command: fakePacman }, { runner });

    await adapter.applyPlan(
      syncPlan({ upgrade: [planItem('tool', null, '1.1-1', { from_version: '1.0-1' })] }),
    );

    const invocations = readFileSync(record, 'utf8')
      .split('---\n')
      .filter(Boolean)
      .map((block) => block.trimEnd().split('\n'));
    const upgrade = invocations.find((argv) => argv.includes('-U'))!;
    expect(upgrade.slice(upgrade.indexOf('-U'))).toEqual([
      '-U',
      '--noconfirm',
      '--',
      `file://${root().repositoryDir('arch')}/tool-1.1-1-any.pkg.tar.gz`,
    ]);
    expect(upgrade).toContain(`--root=${root().root}`);
    const reason = invocations.find((argv) => argv.includes('-D'))!;
    expect(reason.slice(reason.indexOf('-D'))).toEqual(['-D', '--asexplicit', '--', 'tool']);
    expect(runner.calls.every((call) => call.program !== 'sh' && call.program !== '/bin/sh')).toBe(true);
  });
});
