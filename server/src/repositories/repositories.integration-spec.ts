import { repositoryContentHash, type RepositoryReport } from '@pacman-sync/shared';
import { DataSource } from 'typeorm';

import { makeState, repositoriesOffering } from '../../test/support/fixtures';
import { expectError, startTestApp, TestApp } from '../../test/support/test-app';
import { testEngine } from '../../test/support/test-database';
import { EventsService, ServerEvent } from '../events/events.service';
import { RepositoryContent } from './repository-content.entity';

function bigRepository(count: number): RepositoryReport {
  return {
    repo_name: 'extra',
    repo_url: 'https://mirror.example.org/extra/os/x86_64',
    packages: Array.from({ length: count }, (_, i) => ({
      name: `package-number-${i}`,
      version: `${1 + (i % 9)}.${i % 31}.${i % 7}-${1 + (i % 4)}`,
      architecture: i % 10 === 0 ? 'any' : 'x86_64',
    })),
  };
}

describe(`repository reports and analysis on ${testEngine()}`, () => {
  let t: TestApp;
  let poolId: string;
  const endpointIds: string[] = [];
  const target = makeState(200, { seed: 5 });

  beforeAll(async () => {
    t = await startTestApp();
    poolId = (await t.http.post('/api/pools').send({ name: 'repos' }).expect(201)).body.id;
    for (const name of ['one', 'two', 'three']) {
      endpointIds.push((await t.registerEndpoint(name, { hostname: name, poolId })).id);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores identical repository contents once and answers hash check-ins', async () => {
    const repositories = repositoriesOffering(target);
    const hash = repositoryContentHash(repositories);
    const unknown = (
      await t.http
        .post(`/api/endpoints/${endpointIds[0]}/repositories`)
        .send({ content_hash: hash })
        .expect(200)
    ).body;
    expect(unknown).toEqual({ known: false, changed: false, content_hash: null, new_contents: 0 });

    const first = (
      await t.http.post(`/api/endpoints/${endpointIds[0]}/repositories`).send({ repositories }).expect(200)
    ).body;
    expect(first).toEqual({
      known: true,
      changed: true,
      content_hash: hash,
      new_contents: repositories.length,
    });
    // Another machine on another mirror: same packages, no new copies.
    const mirrored = repositories.map((repo) => ({
      ...repo,
      repo_url: repo.repo_url.replace('mirror', 'other'),
    }));
    const second = (
      await t.http
        .post(`/api/endpoints/${endpointIds[1]}/repositories`)
        .send({ repositories: mirrored })
        .expect(200)
    ).body;
    expect(second).toMatchObject({ known: true, changed: true, new_contents: 0 });
    const contents = await t.app.get(DataSource).getRepository(RepositoryContent).count();
    expect(contents).toBe(repositories.length);

    const known = (
      await t.http
        .post(`/api/endpoints/${endpointIds[0]}/repositories`)
        .send({ content_hash: hash })
        .expect(200)
    ).body;
    expect(known).toEqual({ known: true, changed: false, content_hash: hash, new_contents: 0 });
    const again = (
      await t.http.post(`/api/endpoints/${endpointIds[0]}/repositories`).send({ repositories }).expect(200)
    ).body;
    expect(again).toMatchObject({ changed: false, new_contents: 0 });
  });

  it('accepts a 15,000-package repository report', async () => {
    const repository = bigRepository(15000);
    const body = JSON.stringify({
      repositories: [repository],
      content_hash: repositoryContentHash([repository]),
    });
    expect(body.length).toBeGreaterThan(900_000);
    const response = await t.http
      .post(`/api/endpoints/${endpointIds[2]}/repositories`)
      .set('content-type', 'application/json')
      .send(body)
      .expect(200);
    expect(response.body).toMatchObject({ known: true, changed: true, new_contents: 1 });
  });

  it('rejects malformed repository reports field by field', async () => {
    const error = expectError(
      await t.http.post(`/api/endpoints/${endpointIds[0]}/repositories`).send({
        repositories: [
          {
            repo_name: 'options',
            repo_url: 'x',
            packages: [{ name: '--dbpath=/tmp', version: '1.0-1', architecture: 'x86_64' }],
          },
          {
            repo_name: 'core',
            repo_url: 'x',
            packages: [{ name: 'ok', version: 'nope', architecture: 'x86 64' }],
          },
        ],
      }),
      400,
      'VALIDATION_ERROR',
    );
    expect((error.details!.fields as Array<{ field: string }>).map((f) => f.field).sort()).toEqual([
      'repositories.0.packages.0.name',
      'repositories.0.repo_name',
      'repositories.1.packages.0.architecture',
      'repositories.1.packages.0.version',
    ]);
    const duplicate = expectError(
      await t.http.post(`/api/endpoints/${endpointIds[0]}/repositories`).send({
        repositories: [
          { repo_name: 'core', repo_url: 'a', packages: [] },
          { repo_name: 'core', repo_url: 'b', packages: [] },
        ],
      }),
      400,
      'VALIDATION_ERROR',
    );
    expect(duplicate.details!.fields).toEqual([
      { field: 'repositories.1.repo_name', messages: ['repository "core" is listed twice'] },
    ]);
    expectError(
      await t.http
        .post(`/api/endpoints/${endpointIds[0]}/repositories`)
        .send({ repositories: [], content_hash: `sha256:${'1'.repeat(64)}` }),
      400,
      'VALIDATION_ERROR',
    );
    expectError(
      await t.http
        .post('/api/endpoints/00000000-0000-4000-8000-000000000002/repositories')
        .send({ repositories: [] }),
      404,
      'NOT_FOUND',
    );
  });

  it('analyses a pool: common, excluded and conflicting packages, published as an event', async () => {
    const events: ServerEvent[] = [];
    const subscription = t.app.get(EventsService).events$.subscribe((event) => events.push(event));
    expectError(await t.http.post('/api/repositories/analyze').send({ pool_id: poolId }), 409, 'CONFLICT');
    await t.http.post(`/api/endpoints/${endpointIds[0]}/state`).send(target).expect(200);
    await t.http.post(`/api/endpoints/${endpointIds[0]}/set-latest`).expect(200);

    const analysis = (await t.http.post('/api/repositories/analyze').send({ pool_id: poolId }).expect(200))
      .body;
    const countable = target.packages.filter((pkg) => pkg.repository !== 'local').length;
    expect(analysis.pool_id).toBe(poolId);
    // Endpoint three only has the big unrelated repository: every countable package is missing there.
    expect(analysis.common_packages).toEqual([]);
    expect(analysis.excluded_packages).toHaveLength(countable);
    expect(analysis.excluded_packages[0].missing_on).toEqual([endpointIds[2]]);
    expect(events.map((event) => event.type)).toContain('repositories.analyzed');
    subscription.unsubscribe();

    const listed = (await t.http.get(`/api/repositories?pool_id=${poolId}`).expect(200)).body;
    expect(listed).toMatchObject({ total: 1, limit: 50, offset: 0 });
    expect(listed.items[0]).toEqual(analysis);
    expect((await t.http.get('/api/repositories').expect(200)).body.total).toBe(1);
  });

  it('answers 404 and 400 for bad analysis requests', async () => {
    const missing = '00000000-0000-4000-8000-000000000003';
    expectError(await t.http.post('/api/repositories/analyze').send({ pool_id: missing }), 404, 'NOT_FOUND');
    expectError(
      await t.http.post('/api/repositories/analyze').send({ pool_id: 'x' }),
      400,
      'VALIDATION_ERROR',
    );
    expectError(await t.http.post('/api/repositories/analyze').send({}), 400, 'VALIDATION_ERROR');
    expectError(await t.http.get(`/api/repositories?pool_id=${missing}`), 404, 'NOT_FOUND');
  });
});

describe(`repository analysis switched off on ${testEngine()}`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ ENABLE_REPOSITORY_ANALYSIS: 'false' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 409 FEATURE_DISABLED naming the setting, and still takes repository reports', async () => {
    const pool = (await t.http.post('/api/pools').send({ name: 'off' }).expect(201)).body;
    const error = expectError(
      await t.http.post('/api/repositories/analyze').send({ pool_id: pool.id }),
      409,
      'FEATURE_DISABLED',
    );
    expect(error.details).toEqual({ setting: 'ENABLE_REPOSITORY_ANALYSIS' });
    expectError(await t.http.get('/api/repositories'), 409, 'FEATURE_DISABLED');
    const { endpoint } = (await t.http.post('/api/endpoints').send({ name: 'e', hostname: 'e' }).expect(201))
      .body;
    await t.http.post(`/api/endpoints/${endpoint.id}/repositories`).send({ repositories: [] }).expect(200);
  });
});
