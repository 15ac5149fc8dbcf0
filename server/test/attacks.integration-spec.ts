import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { Writable } from 'node:stream';

import { getStorageToken } from '@nestjs/throttler';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { WebSocket } from 'ws';

import { createApp } from '../src/app';
import { FixedWindowThrottlerStorage } from '../src/auth/fixed-window-throttler-storage';
import { SQLITE_FILE_NAME } from '../src/database/data-source-options';
import { PoolsService } from '../src/pools/pools.service';
import { PackageStateEntity } from '../src/states/package-state.entity';
import { User } from '../src/users/user.entity';
import { listApiOperations } from './support/api-operations';
import { makeState, repositoriesOffering } from './support/fixtures';
import { expectError, startTestApp, TEST_ADMIN_PASSWORD, TestApp } from './support/test-app';
import { testConfig, testEngine } from './support/test-database';

// The second outside attack on a running server (issue 17), one describe per finding, each replayed with the
// requests that broke it. Races are sent in parallel through app.inject, whose requests interleave inside
// the server exactly like socket requests do (every handler awaits the database), with a client address
// per request where the address matters.

type Answer = { statusCode: number; headers: Record<string, unknown>; body: string };

function login(t: TestApp, username: string, password: string, address: string): Promise<Answer> {
  return t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ username, password }),
    remoteAddress: address,
  });
}

function countStatuses(answers: Answer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const answer of answers) counts[answer.statusCode] = (counts[answer.statusCode] ?? 0) + 1;
  return counts;
}

function errorOf(answer: Answer): { code: string; details: Record<string, unknown> | null } {
  return (JSON.parse(answer.body) as { error: { code: string; details: Record<string, unknown> | null } })
    .error;
}

async function createUser(t: TestApp, username: string, password: string, role = 'viewer'): Promise<string> {
  return (await t.http.post('/api/users').send({ username, password, role }).expect(201)).body.id as string;
}

describe(`attack 1: parallel password guesses on ${testEngine()}`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('60 simultaneous guesses for one username from one address, the right one 50th: no 200, at most 5 checked', async () => {
    await createUser(t, 'frank', 'frank-password-12');
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, index) =>
        login(t, 'frank', index === 49 ? 'frank-password-12' : `guess-${index}`, '203.0.113.10'),
      ),
    );
    const counts = countStatuses(answers);
    expect(counts[200] ?? 0).toBe(0);
    // A 401 is an attempt whose password was checked; every other one was refused before the hash.
    expect(counts[401]).toBeLessThanOrEqual(t.config.loginFailuresPerUsernameAndAddress);
    expect((counts[401] ?? 0) + (counts[429] ?? 0)).toBe(60);
    for (const refused of answers.filter((answer) => answer.statusCode === 429)) {
      expect(errorOf(refused).code).toBe('RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    }
  });

  it('60 simultaneous guesses for one username from 60 addresses: the password is checked only a few times', async () => {
    await createUser(t, 'grace', 'grace-password-12');
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, index) =>
        login(t, 'grace', index === 49 ? 'grace-password-12' : `guess-${index}`, `198.18.0.${index + 1}`),
      ),
    );
    const counts = countStatuses(answers);
    expect(counts[200] ?? 0).toBe(0);
    // Beyond the soft limit each further guess for the username waits its turn, whatever the address.
    expect(counts[401]).toBeLessThanOrEqual(t.config.loginSlowdownAfterFailures + 1);
    expect((counts[401] ?? 0) + (counts[429] ?? 0)).toBe(60);
  });
});

describe(`attack 3: locking someone else out on ${testEngine()}`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('five wrong passwords from one address lock that address for the username, not the user elsewhere', async () => {
    await createUser(t, 'heidi', 'heidi-password-12');
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect((await login(t, 'heidi', `guess-${attempt}`, '198.51.100.1')).statusCode).toBe(401);
    }
    const locked = await login(t, 'heidi', 'heidi-password-12', '198.51.100.1');
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
    // Heidi herself, from her own machine, is not locked out by someone guessing elsewhere.
    expect((await login(t, 'heidi', 'heidi-password-12', '198.51.100.2')).statusCode).toBe(200);

    const audit = (await t.http.get('/api/audit?actor=heidi&action=login_locked').expect(200)).body;
    expect(audit.items).toEqual([
      expect.objectContaining({
        source_address: '198.51.100.1',
        outcome: 'failure',
        details: expect.objectContaining({ scope: 'username_and_address' }),
      }),
    ]);
  });

  it('guesses for a username from many addresses only slow that username down; its known address is never slowed', async () => {
    await createUser(t, 'ivan', 'ivan-password-123');
    expect((await login(t, 'ivan', 'ivan-password-123', '192.0.2.50')).statusCode).toBe(200);
    const attack: Answer[] = [];
    for (let attempt = 1; attempt <= 30; attempt++) {
      attack.push(await login(t, 'ivan', `guess-${attempt}`, `203.0.113.${100 + attempt}`));
    }
    expect(countStatuses(attack)[429]).toBeGreaterThan(0);
    for (const refused of attack.filter((answer) => answer.statusCode === 429)) {
      // A slowdown, never a lock: the wait is short.
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(t.config.loginSlowdownMaxSeconds);
    }
    expect((await login(t, 'ivan', 'ivan-password-123', '192.0.2.50')).statusCode).toBe(200);

    const slowed = (await t.http.get('/api/audit?actor=ivan&action=login_slowed').expect(200)).body;
    expect(slowed.total).toBeGreaterThan(0);
    expect(slowed.items[0].details).toMatchObject({ scope: 'username' });
  });

  it('a failed login as "system" is not written as the system actor', async () => {
    await login(t, 'system', 'whatever-password', '198.51.100.9');
    const entries = (await t.http.get('/api/audit?actor=system&limit=500').expect(200)).body.items as Array<{
      action: string;
      role: string;
    }>;
    expect(entries.filter((entry) => entry.action === 'login')).toEqual([]);
    expect(new Set(entries.map((entry) => entry.role))).toEqual(new Set(['system']));
    expectError(
      await t.http
        .post('/api/users')
        .send({ username: 'system', password: 'system-password-1', role: 'admin' }),
      400,
      'VALIDATION_ERROR',
    );
  });
});

describe(`attack 4: an enrolment token steering a pool on ${testEngine()}`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('an enrolment token registers only into its own pool, and its endpoints cannot set the target', async () => {
    const lab = (
      await t.http
        .post('/api/pools')
        .send({ name: 'lab', sync_policy: { auto_sync: true, remove_extra: true } })
        .expect(201)
    ).body;
    const office = (await t.http.post('/api/pools').send({ name: 'office' }).expect(201)).body;
    // The pool's reference machine and a follower, registered by the admin.
    const full = makeState(30, { seed: 4 });
    const reference = await t.registerEndpoint('reference', { poolId: lab.id });
    const follower = await t.registerEndpoint('follower', { poolId: lab.id });
    for (const machine of [reference, follower]) {
      await t.as(machine.token).post(`/api/endpoints/${machine.id}/state`).send(full).expect(200);
      await t
        .as(machine.token)
        .post(`/api/endpoints/${machine.id}/repositories`)
        .send({ repositories: repositoriesOffering(full) })
        .expect(200);
    }
    await t.http.post(`/api/endpoints/${reference.id}/set-latest`).expect(200);
    const target = (await t.http.get(`/api/pools/${lab.id}/target`).expect(200)).body.id as string;

    const enroller = (
      await t.http
        .post('/api/tokens')
        .send({ name: 'lab-enrolment', role: 'viewer', can_enroll: true, enroll_pool_id: lab.id })
        .expect(201)
    ).body;
    expect(enroller.token).toMatchObject({ can_enroll: true, enroll_pool_id: lab.id });
    const client = t.as(enroller.secret);
    // Into another pool: refused.
    expectError(
      await client
        .post('/api/endpoints')
        .send({ name: 'intruder', hostname: 'intruder.lan', pool_id: office.id }),
      403,
      'FORBIDDEN',
    );
    // Without a pool: it lands in the token's pool.
    const enrolled = (
      await client.post('/api/endpoints').send({ name: 'newcomer', hostname: 'newcomer.lan' }).expect(201)
    ).body;
    expect(enrolled.endpoint.pool_id).toBe(lab.id);

    // The newcomer reports a state without linux and vim and tries to make it the target.
    const stripped = {
      ...full,
      packages: full.packages.filter((pkg) => !['linux', 'vim', 'bash'].includes(pkg.package_name)),
    };
    const newcomer = t.as(enrolled.token);
    await newcomer.post(`/api/endpoints/${enrolled.endpoint.id}/state`).send(stripped).expect(200);
    const refused = expectError(
      await newcomer.post(`/api/endpoints/${enrolled.endpoint.id}/set-latest`),
      403,
      'FORBIDDEN',
    );
    expect(refused.details).toMatchObject({ pool_id: lab.id, setting: 'allow_endpoint_set_latest' });
    expect((await t.http.get(`/api/pools/${lab.id}/target`).expect(200)).body.id).toBe(target);
    expect(
      (await t.http.get(`/api/operations?pool_id=${lab.id}&status=pending`).expect(200)).body.total,
    ).toBe(0);

    // Once an admin allows it for the pool, the pool's endpoints may set the target.
    const policy = (
      await t.http
        .put(`/api/pools/${lab.id}`)
        .send({ sync_policy: { allow_endpoint_set_latest: true } })
        .expect(200)
    ).body.sync_policy;
    expect(policy).toMatchObject({ allow_endpoint_set_latest: true, auto_sync: true });
    await newcomer.post(`/api/endpoints/${enrolled.endpoint.id}/set-latest`).expect(200);
  });

  it('an enrolment token names a pool that exists, and only enrolment tokens name one', async () => {
    expectError(
      await t.http.post('/api/tokens').send({
        name: 'nowhere',
        role: 'viewer',
        can_enroll: true,
        enroll_pool_id: '00000000-0000-4000-8000-000000000009',
      }),
      404,
      'NOT_FOUND',
    );
    const pool = (await t.http.post('/api/pools').send({ name: 'named' }).expect(201)).body;
    expectError(
      await t.http
        .post('/api/tokens')
        .send({ name: 'not-enrolling', role: 'viewer', enroll_pool_id: pool.id }),
      400,
      'VALIDATION_ERROR',
    );
  });

  it('an enrolment token without a pool registers endpoints into no pool and cannot pick one', async () => {
    const pool = (await t.http.post('/api/pools').send({ name: 'unbound-target' }).expect(201)).body;
    const unbound = await t.tokenFor('ci', { can_enroll: true });
    expectError(
      await t.as(unbound).post('/api/endpoints').send({ name: 'x', hostname: 'x.lan', pool_id: pool.id }),
      403,
      'FORBIDDEN',
    );
    const registered = (
      await t
        .as(unbound)
        .post('/api/endpoints')
        .send({ name: 'waiting', hostname: 'waiting.lan' })
        .expect(201)
    ).body;
    expect(registered.endpoint.pool_id).toBeNull();
  });
});

describe(`attack 5: two admins demoting each other on ${testEngine()}`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('two admins demoting (or disabling, or deleting) each other at the same moment leave an enabled admin', async () => {
    const users = t.app.get(DataSource).getRepository(User);
    const sessionOf = async (username: string, password: string) =>
      JSON.parse((await login(t, username, password, '127.0.0.1')).body).access_token as string;
    let current = {
      id: (await users.findOneByOrFail({ username: 'admin' })).id,
      token: t.adminToken,
    };
    const changes = [
      { method: 'PUT', payload: { role: 'viewer' } },
      { method: 'PUT', payload: { disabled: true } },
      { method: 'DELETE', payload: undefined },
    ] as const;
    for (let round = 0; round < 6; round++) {
      const username = `second-admin-${round}`;
      const id = (
        await t
          .as(current.token)
          .post('/api/users')
          .send({ username, password: 'second-password-12', role: 'admin' })
          .expect(201)
      ).body.id as string;
      const other = { id, token: await sessionOf(username, 'second-password-12') };
      await t.as(other.token).get('/api/auth/me').expect(200);
      const change = changes[round % changes.length];
      // Each admin changes the other, at the same moment.
      const answers = await Promise.all(
        [
          [current, other],
          [other, current],
        ].map(([actor, subject]) =>
          t.app.inject({
            method: change.method,
            url: `/api/users/${subject.id}`,
            headers: { authorization: `Bearer ${actor.token}`, 'content-type': 'application/json' },
            payload: change.payload ? JSON.stringify(change.payload) : undefined,
          }),
        ),
      );
      const admins = await users.find({ where: { role: 'admin', disabled: false } });
      expect({ round, admins: admins.length }).toEqual({ round, admins: 1 });
      // One wins; the other is refused as the last admin's change (409), or, when the winner's change
      // reached its session first, as a session that lost its rights (401/403). Never a 5xx.
      const statuses = answers.map((answer) => answer.statusCode).sort();
      expect(statuses[0]).toBe(change.method === 'DELETE' ? 204 : 200);
      expect([401, 403, 409]).toContain(statuses[1]);
      current = admins[0].id === current.id ? current : other;
    }
  });
});

describe(`attack 6: parallel target changes in one pool on ${testEngine()}`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('120 parallel set-latest calls in one pool: no 5xx and exactly one target', async () => {
    const pool = (await t.http.post('/api/pools').send({ name: 'contended' }).expect(201)).body;
    const machines: Array<{ id: string; token: string }> = [];
    for (let index = 0; index < 6; index++) {
      const machine = await t.registerEndpoint(`contender-${index}`, { poolId: pool.id });
      await t.http
        .post(`/api/endpoints/${machine.id}/state`)
        .send(makeState(50, { seed: 100 + index }))
        .expect(200);
      machines.push(machine);
    }
    const answers = await Promise.all(
      Array.from({ length: 120 }, (_, index) =>
        t.app.inject({
          method: 'POST',
          url: `/api/endpoints/${machines[index % machines.length].id}/set-latest`,
          headers: { authorization: `Bearer ${t.adminToken}` },
        }),
      ),
    );
    const counts = countStatuses(answers);
    expect(Object.keys(counts).filter((status) => Number(status) >= 500)).toEqual([]);
    expect(Object.keys(counts).every((status) => ['200', '409'].includes(status))).toBe(true);
    expect(counts[200]).toBeGreaterThan(0);
    const targets = await t.app
      .get(DataSource)
      .getRepository(PackageStateEntity)
      .count({ where: { pool_id: pool.id, is_target: true } });
    expect(targets).toBe(1);
  });
});

describe(`attack 7, 8 and the input rules on ${testEngine()}`, () => {
  let t: TestApp;
  let poolId: string;
  let endpoint: { id: string; token: string };
  let operationId: string;

  beforeAll(async () => {
    t = await startTestApp();
    poolId = (await t.http.post('/api/pools').send({ name: 'input-rules' }).expect(201)).body.id;
    endpoint = await t.registerEndpoint('typist', { poolId });
    const state = makeState(5, { seed: 2 });
    const other = await t.registerEndpoint('reference-typist', { poolId });
    await t.http
      .post(`/api/endpoints/${other.id}/state`)
      .send(makeState(5, { seed: 3 }))
      .expect(200);
    await t.http.post(`/api/endpoints/${other.id}/set-latest`).expect(200);
    await t.as(endpoint.token).post(`/api/endpoints/${endpoint.id}/state`).send(state).expect(200);
    operationId = (await t.http.post(`/api/endpoints/${endpoint.id}/sync`).expect(201)).body.id;
    await t.as(endpoint.token).post(`/api/operations/${operationId}/claim`).expect(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a NUL or another control character anywhere in a query or a body is 400, never 500 or ignored', async () => {
    const state = makeState(3, { seed: 5 });
    const withNulDependency = {
      ...state,
      packages: state.packages.map((pkg, index) =>
        index === 0 ? { ...pkg, dependencies: ['glibc\u0000'] } : pkg,
      ),
    };
    const requests: Array<{ method: 'GET' | 'POST' | 'PUT'; url: string; body?: unknown; token?: string }> = [
      { method: 'GET', url: '/api/endpoints?search=%00' },
      { method: 'GET', url: '/api/endpoints?search=a%07b' },
      { method: 'GET', url: '/api/audit?actor=%00' },
      { method: 'GET', url: '/api/audit?action=%00' },
      { method: 'GET', url: '/api/audit?target=%00' },
      { method: 'POST', url: '/api/pools', body: { name: 'nul\u0000pool' } },
      { method: 'POST', url: '/api/pools', body: { name: 'fine', description: 'a\u0000b' } },
      { method: 'PUT', url: `/api/pools/${poolId}`, body: { description: 'bell\u0007' } },
      { method: 'POST', url: '/api/auth/login', body: { username: 'ad\u0000min', password: 'x' } },
      {
        method: 'POST',
        url: `/api/operations/${operationId}/progress`,
        body: { message: 'step\u0000', percent: 10 },
        token: endpoint.token,
      },
      {
        method: 'POST',
        url: `/api/operations/${operationId}/fail`,
        body: { error: 'broke\u0000' },
        token: endpoint.token,
      },
      {
        method: 'POST',
        url: `/api/endpoints/${endpoint.id}/state`,
        body: withNulDependency,
        token: endpoint.token,
      },
      {
        method: 'POST',
        url: `/api/endpoints/${endpoint.id}/repositories`,
        body: {
          repositories: [
            { repo_name: 'core', repo_url: 'https://mirror.example.org/\u0000core', packages: [] },
          ],
        },
        token: endpoint.token,
      },
    ];
    for (const request of requests) {
      const answer = await t.app.inject({
        method: request.method,
        url: request.url,
        headers: {
          authorization: `Bearer ${request.token ?? t.adminToken}`,
          ...(request.body ? { 'content-type': 'application/json' } : {}),
        },
        payload: request.body ? JSON.stringify(request.body) : undefined,
      });
      expect({ url: request.url, body: request.body, status: answer.statusCode }).toEqual({
        url: request.url,
        body: request.body,
        status: 400,
      });
      expect(errorOf(answer).code).toBe('VALIDATION_ERROR');
    }
  });

  it('names refuse whitespace-only text and right-to-left overrides; free text keeps line breaks', async () => {
    for (const name of ['   ', '\t', 'evil\u202egnp.exe', 'isolate\u2066x\u2069', 'line\nbreak']) {
      expectError(await t.http.post('/api/pools').send({ name }), 400, 'VALIDATION_ERROR');
      expectError(
        await t.http.post('/api/endpoints').send({ name, hostname: 'n.lan' }),
        400,
        'VALIDATION_ERROR',
      );
    }
    await t.http
      .post('/api/pools')
      .send({ name: 'Ünïcode läb 😀', description: 'first line\nsecond line\twith a tab' })
      .expect(201);
  });

  it('?offset and ?limit beyond a safe integer are 400 on every list route', async () => {
    const lists = listApiOperations(t).filter(
      (op) => op.method === 'get' && op.queryParams.some((param) => param.name === 'offset'),
    );
    expect(lists.length).toBeGreaterThan(5);
    for (const op of lists) {
      const url = op.path.replace(/\{id\}/g, op.path.startsWith('/api/pools') ? poolId : endpoint.id);
      const scoped = op.operationId === 'listOperations' ? `endpoint_id=${endpoint.id}&` : '';
      for (const query of ['offset=99999999999999999999', 'offset=9007199254740993', 'limit=1e400']) {
        const answer = await t.app.inject({
          method: 'GET',
          url: `${url}?${scoped}${query}`,
          headers: { authorization: `Bearer ${t.adminToken}` },
        });
        expect({ op: op.operationId, query, status: answer.statusCode }).toEqual({
          op: op.operationId,
          query,
          status: 400,
        });
      }
    }
  });

  it('an upper-case UUID names the same thing on both engines, in paths, queries and bodies', async () => {
    const upper = poolId.toUpperCase();
    expect((await t.http.get(`/api/pools/${upper}`).expect(200)).body.id).toBe(poolId);
    expect((await t.http.get(`/api/endpoints?pool_id=${upper}`).expect(200)).body.total).toBe(2);
    const moved = (
      await t.http.put(`/api/endpoints/${endpoint.id.toUpperCase()}`).send({ pool_id: upper }).expect(200)
    ).body;
    expect(moved.pool_id).toBe(poolId);
  });

  it('a state package from the repository "options" is refused as repository reports refuse it', async () => {
    const state = makeState(3, { seed: 6 });
    state.packages[1] = { ...state.packages[1], repository: 'options' };
    const answer = await t.as(endpoint.token).post(`/api/endpoints/${endpoint.id}/state`).send(state);
    const error = expectError(answer, 400, 'VALIDATION_ERROR');
    expect(JSON.stringify(error.details)).toContain('packages.1.repository');
  });

  it('a state of more than 20,000 packages is refused', async () => {
    const answer = await t
      .as(endpoint.token)
      .post(`/api/endpoints/${endpoint.id}/state`)
      .send(makeState(20_001, { seed: 8 }));
    const error = expectError(answer, 400, 'VALIDATION_ERROR');
    expect(JSON.stringify(error.details)).toContain('no more than 20000');
  });
});

describe(`attack 11: the limiter's coverage on ${testEngine()}`, () => {
  let t: TestApp;
  let port: number;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    t = await startTestApp({ API_RATE_LIMIT: '10' }, { eventsMaxConnectionsPerCredential: 3 });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterEach(() => {
    for (const ws of sockets.splice(0)) ws.terminate();
  });
  afterAll(async () => {
    await t?.close();
  });

  function upgrade(token: string): Promise<{ status: number; ws: WebSocket | null; retryAfter?: string }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`, {
        headers: { authorization: `Bearer ${token}` },
      });
      ws.once('open', () => {
        sockets.push(ws);
        resolve({ status: 101, ws });
      });
      ws.once('unexpected-response', (_request, response) => {
        resolve({ status: response.statusCode ?? 0, ws: null, retryAfter: response.headers['retry-after'] });
        response.resume();
      });
      ws.once('error', (error) => {
        if (ws.readyState !== WebSocket.CLOSED) reject(error);
      });
    });
  }

  it('never rate-limits /api/health and does not count it against the address', async () => {
    for (let probe = 0; probe < 30; probe++) {
      const answer = await t.app.inject({ method: 'GET', url: '/api/health', remoteAddress: '192.0.2.70' });
      expect({ probe, status: answer.statusCode }).toEqual({ probe, status: 200 });
    }
    const after = await login(t, 'nobody', 'some-password', '192.0.2.70');
    expect(after.statusCode).toBe(401);
  });

  it('rate-limits WebSocket upgrades: bad tokens from one address get 429 once the budget is spent', async () => {
    const answers = [];
    for (let attempt = 0; attempt < 25; attempt++) answers.push(await upgrade(`psk_${'x'.repeat(43)}`));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(10);
    expect(Number(answers.find((answer) => answer.status === 429)!.retryAfter)).toBeGreaterThan(0);
  });

  it('caps the sockets one credential may hold open', async () => {
    // A fresh app so the address budget spent above does not count here.
    const fresh = await startTestApp({}, { eventsMaxConnectionsPerCredential: 3 });
    try {
      await fresh.app.listen(0, '127.0.0.1');
      port = (fresh.app.getHttpServer().address() as AddressInfo).port;
      const viewer = await fresh.tokenFor('viewer');
      const answers: Array<{ status: number; ws: WebSocket | null }> = [];
      for (let attempt = 0; attempt < 5; attempt++) answers.push(await upgrade(viewer));
      expect(answers.map((answer) => answer.status)).toEqual([101, 101, 101, 429, 429]);
      // Another credential is not affected, and closing one socket frees a place.
      expect((await upgrade(fresh.adminToken)).status).toBe(101);
      const closed = new Promise((resolve) => answers[0].ws!.once('close', resolve));
      answers[0].ws!.close();
      await closed;
      let again = await upgrade(viewer);
      for (let attempt = 0; attempt < 50 && again.status !== 101; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        again = await upgrade(viewer);
      }
      expect(again.status).toBe(101);
    } finally {
      for (const ws of sockets.splice(0)) ws.terminate();
      await fresh.close();
    }
  });
});

describe(`attack 12: the smaller items on ${testEngine()}`, () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await t?.close();
  });

  function rawRequest(text: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
      let answer = '';
      socket.on('data', (chunk) => (answer += String(chunk)));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
    });
  }

  it('creates the data directory 0700 and keeps the SQLite file 0600, even in a directory made before', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'pacman-sync-modes-'));
    try {
      const fresh = path.join(parent, 'fresh', 'data');
      const existing = path.join(parent, 'existing');
      fs.mkdirSync(existing, { mode: 0o755 });
      for (const dataDir of [fresh, existing]) {
        const app = await startTestApp({ DATA_DIR: dataDir });
        try {
          if (dataDir === fresh) expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
          const files = fs.readdirSync(dataDir).map((name) => path.join(dataDir, name));
          if (testEngine() === 'sqlite') {
            expect(files).toEqual(expect.arrayContaining([path.join(dataDir, SQLITE_FILE_NAME)]));
          }
          for (const file of files) {
            expect({ file, mode: fs.statSync(file).mode & 0o777 }).toEqual({ file, mode: 0o600 });
          }
        } finally {
          await app.close();
        }
      }
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });

  it('sends HSTS only when HSTS_MAX_AGE is configured', async () => {
    const plain = await t.anonymous.get('/api/health').expect(200);
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    const configured = await startTestApp({ HSTS_MAX_AGE: '31536000' });
    try {
      const answer = await configured.anonymous.get('/api/health').expect(200);
      expect(answer.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await configured.close();
    }
  });

  it('answers malformed HTTP in the error shape with the security headers', async () => {
    const answer = await rawRequest(
      'POST /api/pools HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\nConnection: close\r\n\r\n{}',
    );
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head.toLowerCase()).toContain('x-content-type-options: nosniff');
    expect(head.toLowerCase()).toContain('content-security-policy:');
    const error = JSON.parse(body).error;
    expect(Object.keys(error).sort()).toEqual(['code', 'details', 'message', 'timestamp']);
    expect(error.code).toBe('VALIDATION_ERROR');
  });

  it('logs a failed database statement without its parameters', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const { config, cleanup } = await testConfig({ ADMIN_PASSWORD: TEST_ADMIN_PASSWORD });
    const app = await createApp(config, { logger: pino({ level: 'error' }, sink) });
    try {
      const secret = 'pse_super-secret-parameter-value';
      const dataSource = app.get(DataSource);
      const placeholder = testEngine() === 'postgres' ? '$1' : '?';
      // The one injected fault: a route whose statement fails, with a secret among its parameters.
      jest
        .spyOn(app.get(PoolsService), 'list')
        .mockImplementationOnce(
          () =>
            dataSource.query(`SELECT no_such_column FROM pools WHERE name = ${placeholder}`, [
              secret,
            ]) as never,
        );
      const session = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
      });
      const answer = await app.inject({
        method: 'GET',
        url: '/api/pools',
        headers: { authorization: `Bearer ${JSON.parse(session.body).access_token}` },
      });
      expect(answer.statusCode).toBe(500);
      expect(lines.join('')).toContain('no_such_column');
      expect(lines.join('')).not.toContain(secret);
    } finally {
      jest.restoreAllMocks();
      await app.close();
      cleanup();
    }
  });
});

// SQLite serves one instance (DESIGN.md §6), so only PostgreSQL has instances to share limits between.
if (testEngine() === 'postgres') {
  describe('limits shared by two instances on one PostgreSQL', () => {
    let t: TestApp;
    let second: Awaited<ReturnType<typeof createApp>>;

    beforeAll(async () => {
      t = await startTestApp({ API_RATE_LIMIT: '10' });
      second = await createApp(t.config);
    });
    afterAll(async () => {
      await second?.close();
      await t?.close();
    });

    it('a username locked at an address by failures on one instance is locked on the other', async () => {
      await createUser(t, 'judy', 'judy-password-123');
      for (let attempt = 1; attempt <= 5; attempt++) {
        expect((await login(t, 'judy', `guess-${attempt}`, '198.51.100.30')).statusCode).toBe(401);
      }
      const elsewhere = await second.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ username: 'judy', password: 'judy-password-123' }),
        remoteAddress: '198.51.100.30',
      });
      expect(elsewhere.statusCode).toBe(429);
      expect(Number(elsewhere.headers['retry-after'])).toBeGreaterThan(800);
    });

    it('a client spreading its requests over both instances has one budget', async () => {
      const viewer = await t.tokenFor('viewer');
      const get = (app: typeof second) =>
        app.inject({ method: 'GET', url: '/api/pools', headers: { authorization: `Bearer ${viewer}` } });
      for (let request = 0; request < 6; request++) {
        expect((await get(t.app)).statusCode).toBe(200);
        expect((await get(second)).statusCode).toBe(200);
      }
      // Each instance merges its counts once a second; here the merges are run at once instead of waited for.
      const counters = (app: typeof second) => app.get<FixedWindowThrottlerStorage>(getStorageToken());
      await counters(t.app).merge();
      await counters(second).merge();
      expect((await get(second)).statusCode).toBe(429);
      await get(t.app);
      await counters(t.app).merge();
      expect((await get(t.app)).statusCode).toBe(429);
    });
  });
}
