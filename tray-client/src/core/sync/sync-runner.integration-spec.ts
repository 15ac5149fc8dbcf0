import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { PlanItem, planSync, SyncPlan, SystemState } from '@pacman-sync/shared';

import { requirePacmanTools, TestRoot } from '../../../test/support/pacman-fixture';
import { app2, libx2, REPOSITORIES, tool10 } from '../../../test/support/packages';
import { SyncProgress } from './progress';
import { SyncBusyError, SyncRunner } from './sync-runner';

function plan(parts: Partial<SyncPlan>): SyncPlan {
  return {
    install: [],
    upgrade: [],
    downgrade: [],
    remove: [],
    unavailable: [],
    substituted: [],
    kept_extra: [],
    ...parts,
  };
}

function upgradeTool(): PlanItem {
  return {
    package_name: 'tool',
    from_version: '1.0-1',
    to_version: '1.1-1',
    wanted_version: '1.1-1',
    install_reason: 'explicit',
    source: 'repository',
    repository: 'arch',
  };
}

describe('SyncRunner against the real pacman', () => {
  let root: TestRoot;

  beforeAll(() => requirePacmanTools());
  beforeEach(() => {
    root = TestRoot.create({ repositories: REPOSITORIES });
  });
  afterEach(() => root.destroy());

  it('syncs one root to the state of another through the shared planner, and reports the new state', async () => {
    // The reference machine runs the manjaro versions with app and libx; this one is on arch's tool only.
    const reference = TestRoot.create({ repositories: REPOSITORIES });
    try {
      reference.install([libx2, app2], { asdeps: ['libx'] });
      root.install([tool10]);
      const wanted = await reference.adapter().readInstalledState();
      const adapter = root.adapter();
      const current = await adapter.readInstalledState();
      const offer = await adapter.readPackageOffer();
      const policy = {
        auto_sync: false,
        exclude_packages: [],
        include_aur: false,
        remove_extra: true,
        conflict_resolution: 'manual' as const,
      };
      const syncPlan = planSync(current, wanted, policy, offer);
      expect(syncPlan.unavailable).toEqual([]);
      const events: SyncProgress[] = [];

      const outcome = await new SyncRunner(adapter).run(syncPlan, { onProgress: (p) => events.push(p) });

      expect(outcome.status).toBe('completed');
      const state = outcome.state as SystemState;
      const strip = (s: SystemState) => s.packages.map((p) => [p.package_name, p.version, p.install_reason]);
      expect(strip(state)).toEqual(strip(wanted));
      expect(root.query()).toEqual(reference.query());
      expect(events.some((event) => event.phase === 'install')).toBe(true);
      expect(events[events.length - 1].phase).toBe('done');
    } finally {
      reference.destroy();
    }
  });

  it('turns a pacman failure into a failed outcome with the code, the output tail and the unchanged state', async () => {
    root.install([tool10]);
    writeFileSync(join(root.dbpath, 'db.lck'), '');

    const outcome = await new SyncRunner(root.adapter()).run(plan({ upgrade: [upgradeTool()] }));

    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'LOCK_HELD' } });
    if (outcome.status !== 'failed') throw new Error('expected failure');
    expect(outcome.error.output_tail.join('\n')).toContain('unable to lock database');
    expect(outcome.state?.packages.map((p) => `${p.package_name} ${p.version}`)).toEqual(['tool 1.0-1']);
  });

  it('reports a hostile plan as UNSAFE_TARGET without running pacman', async () => {
    const outcome = await new SyncRunner(root.adapter()).run(
      plan({ install: [{ ...upgradeTool(), package_name: '--root=/', from_version: null }] }),
    );
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'UNSAFE_TARGET', output_tail: [] } });
  });

  it('refuses a second sync while one is running', async () => {
    root.install([tool10]);
    const runner = new SyncRunner(root.adapter());
    const first = runner.run(plan({ upgrade: [upgradeTool()] }));
    expect(runner.busy).toBe(true);
    await expect(runner.run(plan({ upgrade: [upgradeTool()] }))).rejects.toThrow(SyncBusyError);
    expect((await first).status).toBe('completed');
    expect(runner.busy).toBe(false);
  });
});
