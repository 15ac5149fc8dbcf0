import { DEFAULT_SYNC_POLICY, type SyncPolicy, type SystemState } from '@pacman-sync/shared';
import { DataSource } from 'typeorm';

import { makeState, repositoriesOffering } from '../../test/support/fixtures';
import { expectError, startTestApp, TestApp } from '../../test/support/test-app';
import { testEngine } from '../../test/support/test-database';
import { Endpoint } from '../endpoints/endpoint.entity';
import { Pool } from '../pools/pool.entity';
import { EventsService, ServerEvent } from '../events/events.service';
import { MaintenanceService } from '../maintenance/maintenance.service';

const reference = makeState(120, { seed: 21 });
const older = makeState(120, {
  seed: 21,
  version: (name, base) => (name.startsWith('libfoo') ? base.replace(/-\d+$/, '-0') : base),
});

describe(`sync, operations and maintenance on ${testEngine()}`, () => {
  let t: TestApp;
  const missing = '00000000-0000-4000-8000-0000000000ff';

  beforeAll(async () => {
    t = await startTestApp({}, { operationTimeoutSeconds: 60, keepStatesPerEndpoint: 2 });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function pool(name: string, sync_policy: Record<string, unknown> = {}): Promise<string> {
    return (await t.http.post('/api/pools').send({ name, sync_policy }).expect(201)).body.id;
  }

  async function endpoint(name: string, poolId: string | null, state?: SystemState, offer?: SystemState[]) {
    const { id } = await t.registerEndpoint(name, { hostname: name, poolId });
    if (state) await t.http.post(`/api/endpoints/${id}/state`).send(state).expect(200);
    if (offer) {
      await t.http
        .post(`/api/endpoints/${id}/repositories`)
        .send({ repositories: repositoriesOffering(...offer) })
        .expect(200);
    }
    return id;
  }

  it('refuses to sync, set-latest, plan or revert without the preconditions (409 CONFLICT)', async () => {
    const loose = await endpoint('loose', null, reference);
    for (const path of ['sync', 'set-latest']) {
      const error = expectError(await t.http.post(`/api/endpoints/${loose}/${path}`), 409, 'CONFLICT');
      expect(error.message).toMatch(/no pool/);
    }
    expectError(await t.http.get(`/api/endpoints/${loose}/plan`), 409, 'CONFLICT');
    expectError(await t.http.post(`/api/endpoints/${loose}/revert`), 409, 'CONFLICT');
    expectError(await t.http.get(`/api/endpoints/${loose}/plan?kind=revert`), 409, 'CONFLICT');

    const empty = await pool('no-target');
    const silent = await endpoint('silent', empty);
    expectError(await t.http.post(`/api/endpoints/${silent}/set-latest`), 409, 'CONFLICT');
    expectError(await t.http.post(`/api/endpoints/${silent}/sync`), 409, 'CONFLICT');
    expectError(await t.http.get(`/api/endpoints/${silent}/plan?kind=sideways`), 400, 'VALIDATION_ERROR');
    for (const path of ['sync', 'set-latest', 'revert']) {
      expectError(await t.http.post(`/api/endpoints/${missing}/${path}`), 404, 'NOT_FOUND');
    }
    expectError(await t.http.get(`/api/endpoints/${missing}/plan`), 404, 'NOT_FOUND');
  });

  it('refuses a manual-policy sync with unavailable packages, listing them (409 SYNC_CONFLICT)', async () => {
    const poolId = await pool('manual');
    const source = await endpoint('source', poolId, reference);
    await t.http.post(`/api/endpoints/${source}/set-latest`).expect(200);
    // Its repositories offer only the old versions: the target's libfoo* versions are nowhere.
    const stuck = await endpoint('stuck', poolId, older, [older]);
    const plan = (await t.http.get(`/api/endpoints/${stuck}/plan`).expect(200)).body.plan;
    const wanted = reference.packages.filter(
      (pkg) => pkg.package_name.startsWith('libfoo') && pkg.repository !== 'local',
    );
    expect(plan.unavailable.map((item: { package_name: string }) => item.package_name).sort()).toEqual(
      wanted.map((pkg) => pkg.package_name).sort(),
    );
    const error = expectError(await t.http.post(`/api/endpoints/${stuck}/sync`), 409, 'SYNC_CONFLICT');
    expect((error.details!.conflicting_packages as string[]).sort()).toEqual(
      wanted.map((pkg) => pkg.package_name).sort(),
    );
    expect(error.details!.suggested_action).toBe('resolve_manually');

    // newest: the plan keeps what it can and says so; the operation is created.
    await t.http
      .put(`/api/pools/${poolId}`)
      .send({ sync_policy: { conflict_resolution: 'newest' } })
      .expect(200);
    const operation = (await t.http.post(`/api/endpoints/${stuck}/sync`).expect(201)).body;
    expect(operation.details.plan.substituted.length).toBe(wanted.length);
  });

  it('walks the lifecycle and answers 409 SYNC_CONFLICT to every transition from the wrong status', async () => {
    const poolId = await pool('lifecycle');
    const source = await endpoint('life-source', poolId, reference);
    await t.http.post(`/api/endpoints/${source}/set-latest`).expect(200);
    const worker = await endpoint('life-worker', poolId, older, [reference, older]);

    const first = (await t.http.post(`/api/endpoints/${worker}/sync`).expect(201)).body;
    expectError(await t.http.post(`/api/endpoints/${worker}/revert`), 409, 'CONFLICT');
    expectError(
      await t.http.post(`/api/operations/${first.id}/progress`).send({ percent: 5 }),
      409,
      'SYNC_CONFLICT',
    );
    expectError(await t.http.post(`/api/operations/${first.id}/complete`).send({}), 409, 'SYNC_CONFLICT');
    const cancelled = (await t.http.post(`/api/operations/${first.id}/cancel`).expect(200)).body;
    expect(cancelled).toMatchObject({ status: 'cancelled' });
    expect(cancelled.completed_at).not.toBeNull();
    const again = expectError(await t.http.post(`/api/operations/${first.id}/cancel`), 409, 'SYNC_CONFLICT');
    expect(again.details).toMatchObject({ status: 'cancelled', allowed_statuses: ['pending'] });
    expectError(await t.http.post(`/api/operations/${first.id}/claim`), 409, 'SYNC_CONFLICT');

    const second = (await t.http.post(`/api/endpoints/${worker}/sync`).expect(201)).body;
    await t.http.post(`/api/operations/${second.id}/claim`).expect(200);
    expectError(await t.http.post(`/api/operations/${second.id}/cancel`), 409, 'SYNC_CONFLICT');
    expectError(await t.http.post(`/api/operations/${second.id}/fail`).send({}), 400, 'VALIDATION_ERROR');
    expectError(
      await t.http.post(`/api/operations/${second.id}/progress`).send({ percent: 101 }),
      400,
      'VALIDATION_ERROR',
    );
    const failed = (
      await t.http
        .post(`/api/operations/${second.id}/fail`)
        .send({ error: 'pacman: conflicting files', summary: 'error: failed to commit transaction' })
        .expect(200)
    ).body;
    expect(failed).toMatchObject({ status: 'failed', error: 'pacman: conflicting files' });
    expectError(await t.http.post(`/api/operations/${second.id}/complete`).send({}), 409, 'SYNC_CONFLICT');

    // A finished operation frees the endpoint for the next one.
    const third = (await t.http.post(`/api/endpoints/${worker}/sync`).expect(201)).body;
    expect(third.status).toBe('pending');

    const log = (await t.http.get(`/api/operations?endpoint_id=${worker}`).expect(200)).body;
    expect(log.items.map((op: { status: string }) => op.status)).toEqual(['pending', 'failed', 'cancelled']);
    expect(
      (await t.http.get(`/api/operations?endpoint_id=${worker}&status=failed`).expect(200)).body.total,
    ).toBe(1);
    expectError(await t.http.get('/api/operations?status=done'), 400, 'VALIDATION_ERROR');
    expectError(await t.http.get(`/api/operations/${missing}`), 404, 'NOT_FOUND');
    for (const action of ['claim', 'cancel']) {
      expectError(await t.http.post(`/api/operations/${missing}/${action}`), 404, 'NOT_FOUND');
    }
    expectError(await t.http.post(`/api/operations/${missing}/complete`).send({}), 404, 'NOT_FOUND');
    expectError(await t.http.post(`/api/operations/bogus/claim`), 400, 'VALIDATION_ERROR');
  });

  it('auto_sync creates sync operations for the other endpoints when the target changes', async () => {
    const poolId = await pool('auto', { auto_sync: true });
    const source = await endpoint('auto-source', poolId, reference);
    const laggard = await endpoint('auto-laggard', poolId, older, [reference]);
    const twin = await endpoint('auto-twin', poolId, reference, [reference]);
    await t.http.post(`/api/endpoints/${source}/set-latest`).expect(200);
    const created = (await t.http.get(`/api/operations?pool_id=${poolId}&status=pending`).expect(200)).body;
    expect(created.items.map((op: { endpoint_id: string }) => op.endpoint_id)).toEqual([laggard]);
    expect(created.items[0].details.requested_by).toBe('auto_sync');
    expect((await t.http.get(`/api/endpoints/${twin}`).expect(200)).body.sync_status).toBe('in_sync');
    // No request made that sync, so the audit log names the system as its actor.
    const audited = (await t.http.get('/api/audit?action=autoSyncEndpoint').expect(200)).body.items;
    const forPool = audited.filter(
      (entry: { details: { pool_id: string } }) => entry.details.pool_id === poolId,
    );
    expect(forPool).toEqual([
      expect.objectContaining({
        actor: 'system',
        role: 'system',
        outcome: 'success',
        target: `/api/endpoints/${laggard}/sync`,
        details: expect.objectContaining({ operation_id: created.items[0].id, source_endpoint_id: source }),
      }),
    ]);
  });

  it('records who set the target and who asked for each operation', async () => {
    const poolId = await pool('attributed');
    const source = await endpoint('attr-source', poolId, reference);
    const ci = await t.tokenFor('ci');
    const ciName = (await t.as(ci).get('/api/auth/me').expect(200)).body.name as string;
    const setLatest = (await t.as(ci).post(`/api/endpoints/${source}/set-latest`).expect(200)).body;
    expect(setLatest.details.requested_by).toBe(`token:${ciName}`);
    const target = (await t.http.get(`/api/pools/${poolId}/target`).expect(200)).body;
    expect(target.set_by).toBe(`token:${ciName}`);
    const history = (await t.http.get(`/api/pools/${poolId}/states`).expect(200)).body.items;
    expect(history[0].set_by).toBe(`token:${ciName}`);

    const worker = await endpoint('attr-worker', poolId, older, [reference, older]);
    const operation = (await t.http.post(`/api/endpoints/${worker}/sync`).expect(201)).body;
    expect(operation.details.requested_by).toBe('admin');
  });

  it('lets an endpoint sync, set-latest or revert itself only while its pool allows it', async () => {
    const poolId = await pool('self-service');
    expect((await t.http.get(`/api/pools/${poolId}`).expect(200)).body.sync_policy).toMatchObject({
      allow_endpoint_actions: true,
      allow_endpoint_set_latest: false,
    });
    // Setting the target is a second, separate permission; this pool trusts its machines with it.
    await t.http
      .put(`/api/pools/${poolId}`)
      .send({ sync_policy: { allow_endpoint_set_latest: true } })
      .expect(200);
    const source = await endpoint('self-source', poolId, reference);
    await t.http.post(`/api/endpoints/${source}/set-latest`).expect(200);
    const registered = await t.registerEndpoint('self', { hostname: 'self', poolId });
    const self = registered.id;
    const own = t.as(registered.token);
    await own.post(`/api/endpoints/${self}/state`).send(older).expect(200);
    await own
      .post(`/api/endpoints/${self}/repositories`)
      .send({ repositories: repositoriesOffering(reference, older) })
      .expect(200);

    // Allowed (the default): the endpoint syncs itself and is named as the requester.
    const sync = (await own.post(`/api/endpoints/${self}/sync`).expect(201)).body;
    expect(sync.details.requested_by).toBe(`endpoint:${self}`);
    await own.post(`/api/operations/${sync.id}/claim`).expect(200);
    await own.post(`/api/operations/${sync.id}/complete`).send({}).expect(200);
    await own.post(`/api/endpoints/${self}/state`).send(reference).expect(200);

    await t.http
      .put(`/api/pools/${poolId}`)
      .send({ sync_policy: { allow_endpoint_actions: false } })
      .expect(200);
    for (const action of ['sync', 'set-latest', 'revert']) {
      const error = expectError(await own.post(`/api/endpoints/${self}/${action}`), 403, 'FORBIDDEN');
      expect(error.message).toContain('allow_endpoint_actions');
      expect(error.details).toMatchObject({ pool_id: poolId, endpoint_id: self, action });
    }
    const refused = (await t.http.get(`/api/operations?endpoint_id=${self}&status=pending`).expect(200)).body;
    expect(refused.total).toBe(0);
    // Administrators and CI still act on the endpoint.
    const ci = await t.tokenFor('ci');
    await t.as(ci).post(`/api/endpoints/${self}/set-latest`).expect(200);
    await t.http.post(`/api/endpoints/${self}/revert`).expect(201);

    // A policy stored before the settings existed reads as their defaults, without a migration: the
    // endpoint may act on itself again, but not set the pool's target.
    const pools = t.app.get(DataSource).getRepository(Pool);
    const {
      allow_endpoint_actions: _absent,
      allow_endpoint_set_latest: _absentToo,
      ...olderPolicy
    } = DEFAULT_SYNC_POLICY;
    await pools.update({ id: poolId }, { sync_policy: olderPolicy as SyncPolicy });
    const raw = await pools.query(
      testEngine() === 'postgres'
        ? 'SELECT sync_policy FROM pools WHERE id = $1'
        : 'SELECT sync_policy FROM pools WHERE id = ?',
      [poolId],
    );
    expect(JSON.stringify(raw[0].sync_policy)).not.toContain('allow_endpoint');
    const stored = (await t.http.get(`/api/pools/${poolId}`).expect(200)).body.sync_policy;
    expect(stored).toMatchObject({
      allow_endpoint_actions: true,
      allow_endpoint_set_latest: false,
      conflict_resolution: 'manual',
    });
    expect(
      expectError(await own.post(`/api/endpoints/${self}/set-latest`), 403, 'FORBIDDEN').details,
    ).toMatchObject({ setting: 'allow_endpoint_set_latest' });
    await t.http
      .put(`/api/pools/${poolId}`)
      .send({ sync_policy: { allow_endpoint_set_latest: true } })
      .expect(200);
    expect((await own.post(`/api/endpoints/${self}/set-latest`).expect(200)).body.details.requested_by).toBe(
      `endpoint:${self}`,
    );
  });

  it("leaves what the endpoint's pacman.conf holds out of its plan, unless the pool overrides the hold", async () => {
    const poolId = await pool('holds');
    const source = await endpoint('holds-source', poolId, reference);
    await t.http.post(`/api/endpoints/${source}/set-latest`).expect(200);
    const worker = await endpoint('holds-worker', poolId, older);
    const lagging = reference.packages
      .filter((pkg) => pkg.package_name.startsWith('libfoo') && pkg.repository !== 'local')
      .map((pkg) => pkg.package_name)
      .sort();
    const [first, second, ...rest] = lagging;
    await t.http
      .post(`/api/endpoints/${worker}/repositories`)
      .send({
        repositories: repositoriesOffering(reference, older),
        holds: {
          ignore_pkg: [first, 'nothing-matches*'],
          ignore_group: ['fleet-pinned'],
          ignored_group_members: [{ package_name: second, group: 'fleet-pinned' }],
        },
      })
      .expect(200);

    const plan = (await t.http.get(`/api/endpoints/${worker}/plan`).expect(200)).body.plan;
    const names = (items: Array<{ package_name: string }>) => items.map((item) => item.package_name).sort();
    expect(plan.held).toEqual([
      expect.objectContaining({
        package_name: first,
        change: 'upgrade',
        reason: 'ignore_pkg',
        held_by: first,
      }),
      expect.objectContaining({
        package_name: second,
        change: 'upgrade',
        reason: 'ignore_group',
        held_by: 'fleet-pinned',
      }),
    ]);
    expect(names(plan.upgrade)).toEqual(rest);
    expect(plan.overridden_holds).toEqual([]);
    // Held packages still differ from the target: the status says so, as for unavailable versions.
    expect((await t.http.get(`/api/endpoints/${worker}`).expect(200)).body.sync_status).toBe('behind');
    const operation = (await t.http.post(`/api/endpoints/${worker}/sync`).expect(201)).body;
    expect(names(operation.details.plan.held)).toEqual([first, second]);
    await t.http.post(`/api/operations/${operation.id}/cancel`).expect(200);

    await t.http
      .put(`/api/pools/${poolId}`)
      .send({ sync_policy: { override_holds: [first] } })
      .expect(200);
    const overridden = (await t.http.get(`/api/endpoints/${worker}/plan`).expect(200)).body.plan;
    expect(names(overridden.upgrade)).toEqual([first, ...rest].sort());
    expect(overridden.overridden_holds).toEqual([
      expect.objectContaining({ package_name: first, change: 'upgrade', reason: 'ignore_pkg' }),
    ]);
    expect(names(overridden.held)).toEqual([second]);
    expect((await t.http.get(`/api/pools/${poolId}`).expect(200)).body.sync_policy.override_holds).toEqual([
      first,
    ]);

    // A repository report without holds (an older client) holds nothing.
    await t.http
      .post(`/api/endpoints/${worker}/repositories`)
      .send({ repositories: repositoriesOffering(reference, older) })
      .expect(200);
    expect((await t.http.get(`/api/endpoints/${worker}/plan`).expect(200)).body.plan.held).toEqual([]);
  });

  it('refuses holds and override patterns that are not what pacman.conf can say', async () => {
    const poolId = await pool('bad-holds');
    const worker = await endpoint('bad-holds-worker', poolId, reference);
    const report = (holds: Record<string, unknown>) =>
      t.http.post(`/api/endpoints/${worker}/repositories`).send({
        repositories: repositoriesOffering(reference),
        holds: { ignore_pkg: [], ignore_group: [], ignored_group_members: [], ...holds },
      });
    for (const holds of [
      { ignore_pkg: ['linux lts'] },
      { ignore_pkg: [''] },
      { ignore_group: ['x'.repeat(256)] },
      { ignore_pkg: 'linux' },
      { ignored_group_members: [{ package_name: '--root=/', group: 'xorg' }] },
      { ignored_group_members: [{ package_name: 'xorg-server', group: 'x org' }] },
      { ignored_group_members: null },
    ]) {
      const error = expectError(await report(holds), 400, 'VALIDATION_ERROR');
      expect(JSON.stringify(error.details)).toMatch(/holds/);
    }
    await report({}).expect(200);
    expectError(
      await t.http.put(`/api/pools/${poolId}`).send({ sync_policy: { override_holds: ['linux[', 3] } }),
      400,
      'VALIDATION_ERROR',
    );
  });

  it('sets install reasons where only they differ, and counts that as behind', async () => {
    const poolId = await pool('reasons');
    const source = await endpoint('reasons-source', poolId, reference);
    await t.http.post(`/api/endpoints/${source}/set-latest`).expect(200);
    const flipped = reference.packages[5];
    const otherReason = flipped.install_reason === 'explicit' ? 'dependency' : 'explicit';
    const worker = await endpoint(
      'reasons-worker',
      poolId,
      {
        ...reference,
        packages: reference.packages.map((pkg) =>
          pkg === flipped ? { ...pkg, install_reason: otherReason } : pkg,
        ),
      },
      [reference],
    );
    expect((await t.http.get(`/api/endpoints/${worker}`).expect(200)).body.sync_status).toBe('behind');
    const plan = (await t.http.get(`/api/endpoints/${worker}/plan`).expect(200)).body.plan;
    expect(plan.reasons).toEqual([
      {
        package_name: flipped.package_name,
        version: flipped.version,
        from_reason: otherReason,
        to_reason: flipped.install_reason,
      },
    ]);
    expect([plan.install, plan.upgrade, plan.downgrade, plan.remove]).toEqual([[], [], [], []]);
  });

  it('recomputes statuses when the policy changes and when the pool goes away', async () => {
    const poolId = await pool('policy');
    const source = await endpoint('policy-source', poolId, reference);
    await t.http.post(`/api/endpoints/${source}/set-latest`).expect(200);
    const laggard = await endpoint('policy-laggard', poolId, older);
    expect((await t.http.get(`/api/endpoints/${laggard}`).expect(200)).body.sync_status).toBe('behind');
    await t.http
      .put(`/api/pools/${poolId}`)
      .send({ sync_policy: { exclude_packages: ['libfoo*'] } })
      .expect(200);
    expect((await t.http.get(`/api/endpoints/${laggard}`).expect(200)).body.sync_status).toBe('in_sync');

    await t.http.delete(`/api/pools/${poolId}`).expect(204);
    const after = (await t.http.get(`/api/endpoints/${laggard}`).expect(200)).body;
    expect(after).toMatchObject({ pool_id: null, sync_status: 'unknown' });
  });

  it('cleanup never removes the snapshot a revert goes back to', async () => {
    const poolId = await pool('keep-for-revert');
    const source = await endpoint('kr-source', poolId, reference);
    await t.http.post(`/api/endpoints/${source}/set-latest`).expect(200);
    const worker = await endpoint('kr-worker', poolId, older, [reference, older]);
    const before = (await t.http.get(`/api/endpoints/${worker}`).expect(200)).body.latest_state_id;
    const operation = (await t.http.post(`/api/endpoints/${worker}/sync`).expect(201)).body;
    await t.http.post(`/api/operations/${operation.id}/claim`).expect(200);
    await t.http.post(`/api/operations/${operation.id}/complete`).send({}).expect(200);
    for (let i = 0; i < 4; i++) {
      await t.http
        .post(`/api/endpoints/${worker}/state`)
        .send(makeState(120, { seed: 21, version: (_name, base) => `${i + 2}.${base}` }))
        .expect(200);
    }
    const kept = (await t.http.get(`/api/endpoints/${worker}/states`).expect(200)).body;
    // The latest 2 (keepStatesPerEndpoint) plus the before-state of the last completed sync.
    expect(kept.total).toBe(3);
    expect(kept.items.map((state: { id: string }) => state.id)).toContain(before);
    const plan = (await t.http.get(`/api/endpoints/${worker}/plan?kind=revert`).expect(200)).body;
    expect(plan.target_state_id).toBe(before);
  });

  it('set-latest on a snapshot reported in another pool gives the new pool its own copy', async () => {
    const first = await pool('move-from');
    const second = await pool('move-to');
    const mover = await endpoint('mover', first, reference);
    const reported = (await t.http.get(`/api/endpoints/${mover}`).expect(200)).body.latest_state_id;
    await t.http.put(`/api/endpoints/${mover}`).send({ pool_id: second }).expect(200);
    await t.http.post(`/api/endpoints/${mover}/set-latest`).expect(200);
    const target = (await t.http.get(`/api/pools/${second}/target`).expect(200)).body;
    expect(target.id).not.toBe(reported);
    expect(target).toMatchObject({ pool_id: second, endpoint_id: mover, is_target: true });
    const original = (await t.http.get(`/api/states/${reported}`).expect(200)).body;
    expect(original).toMatchObject({ pool_id: first, is_target: false, content_hash: target.content_hash });
    expect((await t.http.get(`/api/endpoints/${mover}`).expect(200)).body).toMatchObject({
      latest_state_id: target.id,
      sync_status: 'in_sync',
    });
    // Reporting the same packages again changes nothing: the copy is the latest snapshot.
    const again = (await t.http.post(`/api/endpoints/${mover}/state`).send(reference).expect(200)).body;
    expect(again).toMatchObject({ changed: false, state_id: target.id });
    expectError(await t.http.get(`/api/pools/${first}/target`), 404, 'NOT_FOUND');
  });

  it('maintenance: offline endpoints, timed-out operations and old snapshots', async () => {
    const events: ServerEvent[] = [];
    const subscription = t.app.get(EventsService).events$.subscribe((event) => events.push(event));
    const poolId = await pool('maintenance');
    const source = await endpoint('m-source', poolId, reference);
    await t.http.post(`/api/endpoints/${source}/set-latest`).expect(200);
    const worker = await endpoint('m-worker', poolId, older, [reference]);
    const operation = (await t.http.post(`/api/endpoints/${worker}/sync`).expect(201)).body;
    await t.http.post(`/api/operations/${operation.id}/claim`).expect(200);

    const maintenance = t.app.get(MaintenanceService);
    const later = new Date(Date.now() + 61_000);
    const ran = await maintenance.runOnce(later);
    expect(ran.timed_out).toBe(1);
    const timedOut = (await t.http.get(`/api/operations/${operation.id}`).expect(200)).body;
    expect(timedOut).toMatchObject({ status: 'failed', error: expect.stringContaining('Timed out') });
    const timeoutAudit = (await t.http.get('/api/audit?action=timeoutOperation').expect(200)).body.items;
    expect(timeoutAudit).toEqual([
      expect.objectContaining({
        actor: 'system',
        target: `/api/operations/${operation.id}`,
        details: expect.objectContaining({ operation_id: operation.id, endpoint_id: worker }),
      }),
    ]);

    // Seen 16 minutes ago with a 300 s interval: offline, on read and after the job.
    const rows = t.app.get(DataSource).getRepository(Endpoint);
    await rows.update({ id: worker }, { last_seen: new Date(Date.now() - 16 * 60_000) });
    expect((await t.http.get(`/api/endpoints/${worker}`).expect(200)).body.sync_status).toBe('offline');
    events.length = 0;
    expect((await maintenance.runOnce()).offline).toBe(1);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'endpoint.status',
        data: expect.objectContaining({ sync_status: 'offline' }),
      }),
    );
    expect((await t.http.get(`/api/endpoints?sync_status=offline`).expect(200)).body.items[0].id).toBe(
      worker,
    );
    // A check-in brings it back.
    const state = (await t.http.get(`/api/endpoints/${worker}`).expect(200)).body.latest_state_id;
    const hash = (await t.http.get(`/api/states/${state}`).expect(200)).body.content_hash;
    const back = (
      await t.http.post(`/api/endpoints/${worker}/state`).send({ content_hash: hash }).expect(200)
    ).body;
    expect(back).toMatchObject({ known: true, sync_status: 'behind' });
    subscription.unsubscribe();

    // Cleanup keeps the latest 2 snapshots (configured), the target, and what a revert needs.
    const churn = await endpoint('m-churn', poolId);
    const reported: string[] = [];
    for (let i = 0; i < 5; i++) {
      const variant = makeState(30, { seed: 100 + i });
      reported.push(
        (await t.http.post(`/api/endpoints/${churn}/state`).send(variant).expect(200)).body.state_id,
      );
    }
    const left = (await t.http.get(`/api/endpoints/${churn}/states`).expect(200)).body;
    expect(left.items.map((s: { id: string }) => s.id)).toEqual([reported[4], reported[3]]);
    const sourceStates = (await t.http.get(`/api/endpoints/${source}/states`).expect(200)).body;
    expect(sourceStates.items.some((s: { is_target: boolean }) => s.is_target)).toBe(true);

    // A repository report replaced by another leaves its contents unreferenced: the job drops and audits them.
    for (const epoch of [777, 778]) {
      await t.http
        .post(`/api/endpoints/${churn}/repositories`)
        .send({
          repositories: repositoriesOffering(makeState(10, { version: (_name, base) => `${epoch}.${base}` })),
        })
        .expect(200);
    }
    const cleaned = await maintenance.runOnce();
    expect(cleaned.contents_removed).toBeGreaterThan(0);
    const cleanupAudit = (await t.http.get('/api/audit?action=cleanupOldStates').expect(200)).body.items;
    expect(cleanupAudit[0]).toMatchObject({
      actor: 'system',
      details: { states_removed: cleaned.states_removed, contents_removed: cleaned.contents_removed },
    });
  });
});
