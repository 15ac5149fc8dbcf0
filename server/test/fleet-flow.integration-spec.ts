import { stateContentHash, type SystemState } from '@pacman-sync/shared';

import { makeState, repositoriesOffering } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';
import { testEngine } from './support/test-database';

const PACKAGES = 1500;

// Three machines of one pool, through the API alone: A is the reference; B is behind (older versions,
// ten packages missing); C has diverged (some newer, some older, extra packages).
const stateA = makeState(PACKAGES, { seed: 1 });
const olderOnB = new Set(stateA.packages.filter((_, i) => i % 25 === 3).map((pkg) => pkg.package_name));
const missingOnB = new Set(stateA.packages.filter((_, i) => i % 150 === 7).map((pkg) => pkg.package_name));
const stateB: SystemState = {
  ...stateA,
  packages: stateA.packages
    .filter((pkg) => !missingOnB.has(pkg.package_name))
    .map((pkg) =>
      olderOnB.has(pkg.package_name) ? { ...pkg, version: pkg.version.replace(/-(\d+)$/, '-0') } : pkg,
    ),
};
const newerOnC = new Set(stateA.packages.filter((_, i) => i % 40 === 5).map((pkg) => pkg.package_name));
const olderOnC = new Set(stateA.packages.filter((_, i) => i % 60 === 11).map((pkg) => pkg.package_name));
const stateC: SystemState = {
  ...stateA,
  packages: [
    ...stateA.packages.map((pkg) => {
      if (newerOnC.has(pkg.package_name)) return { ...pkg, version: pkg.version.replace(/-(\d+)$/, '-9') };
      if (olderOnC.has(pkg.package_name)) return { ...pkg, version: pkg.version.replace(/-(\d+)$/, '-0') };
      return pkg;
    }),
    ...['extra-tool-1', 'extra-tool-2'].map((name) => ({
      package_name: name,
      version: '2.0-1',
      repository: 'extra',
      installed_size: 1000,
      dependencies: [],
      install_reason: 'explicit' as const,
    })),
  ],
};

describe(`fleet flow on ${testEngine()}`, () => {
  let t: TestApp;
  let poolId: string;
  const ids: Record<'A' | 'B' | 'C', string> = { A: '', B: '', C: '' };

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const statusOf = async (name: 'A' | 'B' | 'C') =>
    (await t.http.get(`/api/endpoints/${ids[name]}`).expect(200)).body.sync_status;

  it('registers three endpoints in a pool; they report states and repositories', async () => {
    poolId = (await t.http.post('/api/pools').send({ name: 'fleet' }).expect(201)).body.id;
    for (const name of ['A', 'B', 'C'] as const) {
      const registered = await t.http
        .post('/api/endpoints')
        .send({ name: `machine-${name}`, hostname: `machine-${name.toLowerCase()}.lan`, pool_id: poolId })
        .expect(201);
      expect(registered.body.token).toMatch(/^pse_[A-Za-z0-9_-]{43}$/);
      expect(registered.body.endpoint).not.toHaveProperty('token_hash');
      ids[name] = registered.body.endpoint.id;
    }
    const states = { A: stateA, B: stateB, C: stateC };
    for (const name of ['A', 'B', 'C'] as const) {
      const checkIn = await t.http
        .post(`/api/endpoints/${ids[name]}/state`)
        .send({ content_hash: stateContentHash(states[name]) })
        .expect(200);
      expect(checkIn.body).toMatchObject({ known: false, changed: false, state_id: null });
      const report = await t.http.post(`/api/endpoints/${ids[name]}/state`).send(states[name]).expect(200);
      expect(report.body).toMatchObject({ known: true, changed: true, sync_status: 'unknown' });
      // Every machine's repositories offer A's versions (the current repo state); the cache keeps its own.
      await t.http
        .post(`/api/endpoints/${ids[name]}/repositories`)
        .send({
          repositories: repositoriesOffering(stateA),
          cached_packages: states[name].packages.map((pkg) => ({
            name: pkg.package_name,
            version: pkg.version,
          })),
        })
        .expect(200);
    }
  });

  it('set-latest on A makes its snapshot the target and recomputes everyone', async () => {
    const operation = await t.http.post(`/api/endpoints/${ids.A}/set-latest`).expect(200);
    expect(operation.body).toMatchObject({
      operation_type: 'set_latest',
      status: 'completed',
      endpoint_id: ids.A,
    });
    const target = await t.http.get(`/api/pools/${poolId}/target`).expect(200);
    expect(target.body).toMatchObject({ is_target: true, set_by: 'admin', package_count: PACKAGES });
    expect(target.body.content_hash).toBe(stateContentHash(stateA));
    expect((await t.http.get(`/api/pools/${poolId}`).expect(200)).body.target_state_id).toBe(target.body.id);
    expect(await statusOf('A')).toBe('in_sync');
    expect(await statusOf('B')).toBe('behind');
    expect(await statusOf('C')).toBe('diverged');
  });

  it('plans what each endpoint needs', async () => {
    const planA = (await t.http.get(`/api/endpoints/${ids.A}/plan`).expect(200)).body.plan;
    expect([planA.install, planA.upgrade, planA.downgrade, planA.remove].flat()).toEqual([]);

    const planB = (await t.http.get(`/api/endpoints/${ids.B}/plan`).expect(200)).body.plan;
    expect(planB.upgrade.map((item: { package_name: string }) => item.package_name).sort()).toEqual(
      [...olderOnB].sort(),
    );
    expect(planB.install.map((item: { package_name: string }) => item.package_name).sort()).toEqual(
      [...missingOnB].sort(),
    );
    expect(planB.unavailable).toEqual([]);

    const planC = (await t.http.get(`/api/endpoints/${ids.C}/plan`).expect(200)).body;
    expect(planC.target_state_id).toBe((await t.http.get(`/api/pools/${poolId}/target`)).body.id);
    expect(planC.plan.downgrade.map((item: { package_name: string }) => item.package_name).sort()).toEqual(
      [...newerOnC].sort(),
    );
    expect(planC.plan.upgrade.map((item: { package_name: string }) => item.package_name).sort()).toEqual(
      [...olderOnC].sort(),
    );
    expect(planC.plan.kept_extra.map((item: { package_name: string }) => item.package_name)).toEqual([
      'extra-tool-1',
      'extra-tool-2',
    ]);
    expect(planC.plan.remove).toEqual([]);
  });

  it('syncs B through claim, progress and complete; its next report is in sync', async () => {
    const created = (await t.http.post(`/api/endpoints/${ids.B}/sync`).expect(201)).body;
    expect(created).toMatchObject({ operation_type: 'sync', status: 'pending', pool_id: poolId });
    expect(created.details.plan.upgrade).toHaveLength(olderOnB.size);
    const pending = await t.http.get(`/api/operations?endpoint_id=${ids.B}&status=pending`).expect(200);
    expect(pending.body.items.map((op: { id: string }) => op.id)).toEqual([created.id]);

    const claimed = (await t.http.post(`/api/operations/${created.id}/claim`).expect(200)).body;
    expect(claimed.status).toBe('in_progress');
    expect(claimed.claimed_at).not.toBeNull();
    await t.http
      .post(`/api/operations/${created.id}/progress`)
      .send({ message: 'downloading', percent: 40 })
      .expect(200);
    const done = (
      await t.http
        .post(`/api/operations/${created.id}/complete`)
        .send({ summary: 'upgraded 60 packages' })
        .expect(200)
    ).body;
    expect(done).toMatchObject({
      status: 'completed',
      details: { result: { summary: 'upgraded 60 packages' } },
    });
    expect(done.completed_at).not.toBeNull();

    const report = (await t.http.post(`/api/endpoints/${ids.B}/state`).send(stateA).expect(200)).body;
    expect(report).toMatchObject({ changed: true, sync_status: 'in_sync' });
    const operation = (await t.http.get(`/api/operations/${created.id}`).expect(200)).body;
    expect(operation.after_state_id).toBe(report.state_id);
  });

  it('plans B’s revert back to its earlier snapshot, removing what the sync installed', async () => {
    const revertPlan = (await t.http.get(`/api/endpoints/${ids.B}/plan?kind=revert`).expect(200)).body;
    const history = (await t.http.get(`/api/endpoints/${ids.B}/states`).expect(200)).body;
    expect(history.total).toBe(2);
    expect(revertPlan.target_state_id).toBe(history.items[1].id);
    expect(
      revertPlan.plan.downgrade.map((item: { package_name: string }) => item.package_name).sort(),
    ).toEqual([...olderOnB].sort());
    expect(revertPlan.plan.downgrade.every((item: { source: string }) => item.source === 'cache')).toBe(true);
    expect(revertPlan.plan.remove.map((item: { package_name: string }) => item.package_name).sort()).toEqual(
      [...missingOnB].sort(),
    );

    const revert = (await t.http.post(`/api/endpoints/${ids.B}/revert`).expect(201)).body;
    expect(revert).toMatchObject({ operation_type: 'revert', target_state_id: history.items[1].id });
    await t.http.post(`/api/operations/${revert.id}/claim`).expect(200);
    await t.http.post(`/api/operations/${revert.id}/complete`).send({}).expect(200);
    const report = (await t.http.post(`/api/endpoints/${ids.B}/state`).send(stateB).expect(200)).body;
    expect(report).toMatchObject({ changed: true, sync_status: 'behind' });
  });

  it('keeps the target history when the target moves to C', async () => {
    await t.http.post(`/api/endpoints/${ids.C}/set-latest`).expect(200);
    expect(await statusOf('C')).toBe('in_sync');
    expect(await statusOf('A')).toBe('diverged');
    const history = (await t.http.get(`/api/pools/${poolId}/states`).expect(200)).body;
    expect(history.total).toBe(2);
    expect(history.items.map((state: { is_target: boolean }) => state.is_target)).toEqual([true, false]);
    expect(history.items[0].endpoint_id).toBe(ids.C);
    const log = (await t.http.get(`/api/operations?pool_id=${poolId}&limit=100`).expect(200)).body;
    expect(log.items.map((op: { operation_type: string }) => op.operation_type).sort()).toEqual([
      'revert',
      'set_latest',
      'set_latest',
      'sync',
    ]);
  });
});
