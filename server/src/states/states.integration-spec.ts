import { stateContentHash } from '@pacman-sync/shared';

import { makeState } from '../../test/support/fixtures';
import { expectError, startTestApp, TestApp } from '../../test/support/test-app';
import { testEngine } from '../../test/support/test-database';
import { EventsService, ServerEvent } from '../events/events.service';

describe(`state reports on ${testEngine()}`, () => {
  let t: TestApp;
  let endpointId: string;
  const events: ServerEvent[] = [];
  const state = makeState(400, { seed: 3 });

  beforeAll(async () => {
    t = await startTestApp({ AUTO_CLEANUP_OLD_STATES: 'false' });
    t.app.get(EventsService).events$.subscribe((event) => events.push(event));
    const pool = (await t.http.post('/api/pools').send({ name: 'states' }).expect(201)).body;
    endpointId = (await t.registerEndpoint('pc', { hostname: 'pc', poolId: pool.id })).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores a full report once and answers later identical reports and check-ins without a new snapshot', async () => {
    const first = (await t.http.post(`/api/endpoints/${endpointId}/state`).send(state).expect(200)).body;
    expect(first).toMatchObject({ known: true, changed: true, sync_status: 'unknown' });

    const reordered = { ...state, packages: [...state.packages].reverse() };
    const again = (await t.http.post(`/api/endpoints/${endpointId}/state`).send(reordered).expect(200)).body;
    expect(again).toEqual({ known: true, changed: false, state_id: first.state_id, sync_status: 'unknown' });

    const checkIn = (
      await t.http
        .post(`/api/endpoints/${endpointId}/state`)
        .send({ content_hash: stateContentHash(state) })
        .expect(200)
    ).body;
    expect(checkIn).toEqual({
      known: true,
      changed: false,
      state_id: first.state_id,
      sync_status: 'unknown',
    });

    const history = (await t.http.get(`/api/endpoints/${endpointId}/states`).expect(200)).body;
    expect(history.total).toBe(1);
    expect(history.items[0]).not.toHaveProperty('packages');
    const endpoint = (await t.http.get(`/api/endpoints/${endpointId}`).expect(200)).body;
    expect(endpoint.latest_state_id).toBe(first.state_id);
    expect(endpoint.last_seen).not.toBeNull();

    const stored = (await t.http.get(`/api/states/${first.state_id}`).expect(200)).body;
    expect(stored).toMatchObject({
      id: first.state_id,
      endpoint_id: endpointId,
      content_hash: stateContentHash(state),
      package_count: state.packages.length,
      pacman_version: '7.0.0',
      architecture: 'x86_64',
      is_target: false,
    });
    expect(stored.packages).toEqual(state.packages);
  });

  it('answers known:false to an unknown hash and writes a new snapshot for a changed state', async () => {
    const changed = { ...state, packages: state.packages.slice(1) };
    const checkIn = (
      await t.http
        .post(`/api/endpoints/${endpointId}/state`)
        .send({ content_hash: stateContentHash(changed) })
        .expect(200)
    ).body;
    expect(checkIn).toEqual({ known: false, changed: false, state_id: null, sync_status: 'unknown' });
    const full = (
      await t.http
        .post(`/api/endpoints/${endpointId}/state`)
        .send({ ...changed, content_hash: stateContentHash(changed) })
        .expect(200)
    ).body;
    expect(full).toMatchObject({ known: true, changed: true });
    expect((await t.http.get(`/api/endpoints/${endpointId}/states`).expect(200)).body.total).toBe(2);
  });

  it('publishes endpoint.status when a report changes the status', async () => {
    events.length = 0;
    await t.http.post(`/api/endpoints/${endpointId}/set-latest`).expect(200);
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['pool.target_changed', 'endpoint.status', 'operation.updated']),
    );
    const status = events.find((event) => event.type === 'endpoint.status')!;
    expect(status.data).toMatchObject({
      endpoint_id: endpointId,
      sync_status: 'in_sync',
      previous_status: 'unknown',
    });
    events.length = 0;
    await t.http.post(`/api/endpoints/${endpointId}/state`).send(state).expect(200);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'endpoint.status',
        data: expect.objectContaining({ sync_status: 'ahead', previous_status: 'in_sync' }),
      }),
    ]);
  });

  describe('hostile and malformed reports', () => {
    const withPackage = (overrides: Record<string, unknown>) => ({
      ...state,
      packages: [{ ...state.packages[0], ...overrides }, ...state.packages.slice(1, 5)],
    });

    it.each([
      ['--root=/', 'package_name'],
      ['-', 'package_name'],
      ['core/linux', 'package_name'],
      ['linux>=6', 'package_name'],
      ['/etc/passwd', 'package_name'],
      ['https://evil.example/x.pkg.tar.zst', 'package_name'],
      ['.hidden', 'package_name'],
      ['', 'package_name'],
    ])('rejects the package name %j', async (name) => {
      const error = expectError(
        await t.http.post(`/api/endpoints/${endpointId}/state`).send(withPackage({ package_name: name })),
        400,
        'VALIDATION_ERROR',
      );
      expect(error.details!.fields).toEqual([
        { field: 'packages.0.package_name', messages: [expect.any(String)] },
      ]);
    });

    it.each(['1.0', '1.0-', '-1', '1:2:3-1', '1.0 -1', '1/0-1', 'a:1.0-1', '.1-1'])(
      'rejects the version %j',
      async (version) => {
        const error = expectError(
          await t.http.post(`/api/endpoints/${endpointId}/state`).send(withPackage({ version })),
          400,
          'VALIDATION_ERROR',
        );
        expect(error.details!.fields).toEqual([
          { field: 'packages.0.version', messages: [expect.any(String)] },
        ]);
      },
    );

    it('rejects bad field types, unknown fields and duplicate names with each field named', async () => {
      const error = expectError(
        await t.http.post(`/api/endpoints/${endpointId}/state`).send({
          ...state,
          architecture: 'x86 64',
          packages: [
            { ...state.packages[0], installed_size: -1, install_reason: 'forced', extra: true },
            { ...state.packages[1], dependencies: 'glibc' },
          ],
        }),
        400,
        'VALIDATION_ERROR',
      );
      expect((error.details!.fields as Array<{ field: string }>).map((f) => f.field).sort()).toEqual([
        'architecture',
        'packages.0.extra',
        'packages.0.install_reason',
        'packages.0.installed_size',
        'packages.1.dependencies',
      ]);
      const duplicate = expectError(
        await t.http
          .post(`/api/endpoints/${endpointId}/state`)
          .send({ ...state, packages: [state.packages[0], state.packages[0]] }),
        400,
        'VALIDATION_ERROR',
      );
      expect(duplicate.details!.fields).toEqual([
        { field: 'packages.1.package_name', messages: [expect.stringContaining('listed twice')] },
      ]);
    });

    it('rejects a content_hash that does not match the packages, a malformed hash and an empty body', async () => {
      const mismatch = expectError(
        await t.http
          .post(`/api/endpoints/${endpointId}/state`)
          .send({ ...state, content_hash: `sha256:${'0'.repeat(64)}` }),
        400,
        'VALIDATION_ERROR',
      );
      expect(mismatch.details!.fields).toEqual([{ field: 'content_hash', messages: [expect.any(String)] }]);
      expectError(
        await t.http.post(`/api/endpoints/${endpointId}/state`).send({ content_hash: 'md5:abc' }),
        400,
        'VALIDATION_ERROR',
      );
      const empty = expectError(
        await t.http.post(`/api/endpoints/${endpointId}/state`).send({}),
        400,
        'VALIDATION_ERROR',
      );
      expect((empty.details!.fields as Array<{ field: string }>).map((f) => f.field).sort()).toEqual([
        'architecture',
        'packages',
        'pacman_version',
      ]);
      expectError(
        await t.http.post(`/api/endpoints/${endpointId}/state`).send({ ...state, packages: 'all of them' }),
        400,
        'VALIDATION_ERROR',
      );
      expectError(
        await t.http
          .post(`/api/endpoints/${endpointId}/state`)
          .set('content-type', 'application/json')
          .send('[1,2'),
        400,
        'VALIDATION_ERROR',
      );
    });

    it('answers 404 for unknown endpoints and states and 400 for bad ids', async () => {
      const missing = '00000000-0000-4000-8000-000000000001';
      expectError(await t.http.post(`/api/endpoints/${missing}/state`).send(state), 404, 'NOT_FOUND');
      expectError(await t.http.get(`/api/endpoints/${missing}/states`), 404, 'NOT_FOUND');
      expectError(await t.http.get(`/api/states/${missing}`), 404, 'NOT_FOUND');
      expectError(await t.http.get('/api/states/1'), 400, 'VALIDATION_ERROR');
    });
  });

  it('accepts a large report (5,000 packages with dependencies)', async () => {
    const large = makeState(5000, { seed: 11 });
    const body = JSON.stringify(large);
    expect(body.length).toBeGreaterThan(500_000);
    const response = await t.http
      .post(`/api/endpoints/${endpointId}/state`)
      .set('content-type', 'application/json')
      .send(body)
      .expect(200);
    expect(response.body.changed).toBe(true);
    expect((await t.http.get(`/api/states/${response.body.state_id}`).expect(200)).body.package_count).toBe(
      5000,
    );
  });
});
