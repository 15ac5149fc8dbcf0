import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { getRepositoryToken } from '@nestjs/typeorm';

import { AuditService } from '../src/audit/audit.service';
import { AuthorizationGuard } from '../src/auth/authorization.guard';
import { ApiException } from '../src/common/errors/api.exception';
import { SyncOperation } from '../src/sync/sync-operation.entity';
import { ApiOperation, listApiOperations } from './support/api-operations';
import { seedFleet, SeededFleet } from './support/seed-fleet';
import { startTestApp, TEST_ADMIN_PASSWORD, TestApp } from './support/test-app';
import { testEngine } from './support/test-database';

type PrincipalName =
  | 'none'
  | 'garbage'
  | 'revoked'
  | 'expired'
  | 'viewer'
  | 'ci'
  | 'enroller'
  | 'admin'
  | 'adminToken'
  | 'endpointOwn'
  | 'endpointOther';

const PRINCIPALS: PrincipalName[] = [
  'none',
  'garbage',
  'revoked',
  'expired',
  'viewer',
  'ci',
  'enroller',
  'admin',
  'adminToken',
  'endpointOwn',
  'endpointOther',
];

type Expectation = 'allowed' | 401 | 403;

/** What DESIGN.md §5 says each principal may do, read from the route's declaration in the OpenAPI document. */
function expectationFor(operation: ApiOperation, principal: PrincipalName): Expectation {
  const roles = operation.roles ?? [];
  if (roles.includes('public')) return 'allowed';
  switch (principal) {
    case 'none':
    case 'garbage':
    case 'revoked':
    case 'expired':
      return 401;
    case 'admin':
    case 'adminToken':
      return 'allowed';
    case 'viewer':
      return roles.includes('viewer') ? 'allowed' : 403;
    case 'ci':
      return roles.includes('ci') ? 'allowed' : 403;
    case 'enroller':
      return roles.includes('viewer') || roles.includes('enroll') ? 'allowed' : 403;
    case 'endpointOwn':
      return roles.includes('endpoint') ? 'allowed' : 403;
    case 'endpointOther':
      return roles.includes('endpoint') && operation.endpointScope === null ? 'allowed' : 403;
  }
}

describe(`access matrix on ${testEngine()}`, () => {
  let t: TestApp;
  let operations: ApiOperation[];
  let fleet: SeededFleet;
  const tokens = {} as Record<PrincipalName, string | null>;
  let viewerUserId: string;
  let outsiderToken: string;
  let serial = 0;
  const unique = (prefix: string) => `${prefix}-${++serial}`;

  beforeAll(async () => {
    t = await startTestApp();
    operations = listApiOperations(t);
    fleet = await seedFleet(t, 'matrix');
    // The matrix holds answers to the routes' declarations; the pool settings that narrow what an endpoint
    // may do on top of them are tested with the sync routes.
    await t.http
      .put(`/api/pools/${fleet.poolId}`)
      .send({ sync_policy: { allow_endpoint_set_latest: true } })
      .expect(200);
    outsiderToken = (
      await t.http.post('/api/endpoints').send({ name: 'outsider', hostname: 'out.lan' }).expect(201)
    ).body.token;
    tokens.none = null;
    tokens.garbage = 'psk_this-token-was-never-issued-by-anyone';
    tokens.viewer = await t.tokenFor('viewer');
    tokens.ci = await t.tokenFor('ci');
    tokens.enroller = await t.tokenFor('viewer', { can_enroll: true });
    tokens.admin = t.adminToken;
    tokens.adminToken = await t.tokenFor('admin');
    tokens.revoked = await t.tokenFor('ci');
    const revokedId = (await t.as(tokens.revoked).get('/api/auth/me').expect(200)).body.id;
    await t.http.delete(`/api/tokens/${revokedId}`).expect(204);
    tokens.expired = await t.tokenFor('admin', { expires_at: new Date(Date.now() + 1500).toISOString() });
    viewerUserId = (
      await t.http
        .post('/api/users')
        .send({ username: 'matrix-viewer', password: 'matrix-viewer-password', role: 'viewer' })
        .expect(201)
    ).body.id;
    // Let the expiring token lapse (it was good when created: expiry in the past is refused).
    await new Promise((resolve) => setTimeout(resolve, 1600));
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('every operation in the OpenAPI document declares its roles (x-roles) and bearer security', () => {
    expect(operations.length).toBeGreaterThanOrEqual(40);
    const undeclared = operations.filter((op) => !Array.isArray(op.roles) || op.roles.length === 0);
    expect(undeclared.map((op) => `${op.method.toUpperCase()} ${op.path}`)).toEqual([]);
    for (const op of operations) {
      const security = (op.document.paths[op.path] as Record<string, { security?: unknown[] }>)[op.method]
        .security;
      if (op.roles!.includes('public')) expect(security ?? []).toEqual([]);
      else expect(security).toEqual([{ bearer: [] }]);
    }
  });

  it('declarations keep DESIGN.md §5: viewer reads only, ci writes only set-latest and sync, endpoints only their own', () => {
    const writes = operations.filter((op) => op.method !== 'get' && !op.roles!.includes('public'));
    expect(writes.filter((op) => op.roles!.includes('viewer')).map((op) => op.operationId)).toEqual([]);
    expect(
      writes
        .filter((op) => op.roles!.includes('ci'))
        .map((op) => op.operationId)
        .sort(),
    ).toEqual(['setLatest', 'syncEndpoint']);
    const endpointRoutes = operations.filter((op) => op.roles!.includes('endpoint'));
    expect(endpointRoutes.filter((op) => op.endpointScope === null).map((op) => op.operationId)).toEqual([
      'me',
    ]);
    expect(operations.find((op) => op.operationId === 'listAudit')!.roles).toEqual(['admin']);
    expect(operations.find((op) => op.operationId === 'registerEndpoint')!.roles).toEqual([
      'admin',
      'enroll',
    ]);
    expect(
      operations
        .filter((op) => op.roles!.includes('public'))
        .map((op) => op.operationId)
        .sort(),
    ).toEqual(['getHealth', 'login'].sort());
  });

  /** The request for one call: fresh objects where an allowed call would destroy what later calls need. */
  async function buildRequest(op: ApiOperation): Promise<{
    url: string;
    body: Record<string, unknown> | undefined;
    ownToken: string;
    otherToken: string;
  }> {
    let url = op.path;
    let ownToken = fleet.own.token;
    // For the pool routes, "another endpoint" is one outside the pool (both seeded endpoints are in it).
    const otherToken = op.path.startsWith('/api/pools/') ? outsiderToken : fleet.other.token;
    const id = async (): Promise<string> => {
      if (op.path.startsWith('/api/pools/')) {
        if (op.method === 'delete') {
          return (
            await t.http
              .post('/api/pools')
              .send({ name: unique('doomed') })
              .expect(201)
          ).body.id;
        }
        return fleet.poolId;
      }
      if (op.path.startsWith('/api/endpoints/')) {
        if (op.method === 'delete' || op.path.endsWith('/token')) {
          const registered = (
            await t.http
              .post('/api/endpoints')
              .send({ name: unique('doomed'), hostname: 'doomed.lan' })
              .expect(201)
          ).body;
          ownToken = registered.token;
          return registered.endpoint.id;
        }
        return fleet.own.id;
      }
      if (op.path.startsWith('/api/operations/')) return fleet.operationId;
      if (op.path.startsWith('/api/states/')) return fleet.stateId;
      if (op.path.startsWith('/api/users/')) {
        if (op.method === 'delete') {
          return (
            await t.http
              .post('/api/users')
              .send({ username: unique('doomed'), password: 'doomed-user-password', role: 'viewer' })
              .expect(201)
          ).body.id;
        }
        return viewerUserId;
      }
      if (op.path.startsWith('/api/tokens/')) {
        const secret = await t.tokenFor('viewer');
        return (await t.as(secret).get('/api/auth/me').expect(200)).body.id;
      }
      throw new Error(`access matrix: no id for ${op.path}; add the new resource here`);
    };
    for (const param of op.pathParams) url = url.replace(`{${param}}`, await id());
    if (op.operationId === 'listOperations') url += `?endpoint_id=${fleet.own.id}`;
    const bodies: Record<string, Record<string, unknown>> = {
      login: { username: 'admin', password: TEST_ADMIN_PASSWORD },
      createPool: { name: unique('pool') },
      updatePool: { description: 'changed' },
      assignPoolEndpoints: { endpoint_ids: [fleet.own.id] },
      registerEndpoint: { name: unique('enrolled'), hostname: 'enrolled.lan' },
      updateEndpoint: { name: 'matrix-own' },
      reportState: { content_hash: `sha256:${'0'.repeat(64)}` },
      reportRepositories: { content_hash: `sha256:${'0'.repeat(64)}` },
      reportOperationProgress: { message: 'working' },
      completeOperation: {},
      failOperation: { error: 'matrix says no' },
      analyzeRepositories: { pool_id: fleet.poolId },
      createUser: { username: unique('user'), password: 'a-long-enough-password', role: 'viewer' },
      updateUser: {},
      createToken: { name: unique('token'), role: 'viewer' },
    };
    return { url, body: bodies[op.operationId], ownToken, otherToken };
  }

  it('answers every operation × principal exactly as the declaration says', async () => {
    const mismatches: string[] = [];
    let calls = 0;
    for (const op of operations) {
      for (const principal of PRINCIPALS) {
        const { url, body, ownToken, otherToken } = await buildRequest(op);
        const token =
          principal === 'endpointOwn'
            ? ownToken
            : principal === 'endpointOther'
              ? otherToken
              : tokens[principal];
        const headers: Record<string, string> = {};
        if (token !== null) headers.authorization = `Bearer ${token}`;
        if (body !== undefined) headers['content-type'] = 'application/json';
        const response = await t.app.inject({
          method: op.method.toUpperCase() as 'GET',
          url,
          headers,
          payload: body === undefined ? undefined : JSON.stringify(body),
        });
        calls += 1;
        const expected = expectationFor(op, principal);
        const status = response.statusCode;
        const label = `${op.method.toUpperCase()} ${op.path} as ${principal}`;
        if (expected === 'allowed') {
          if (status === 401 || status === 403 || status >= 500)
            mismatches.push(`${label}: ${status}, expected allowed`);
        } else {
          const code = (JSON.parse(response.body) as { error?: { code?: string } }).error?.code;
          const expectedCode = expected === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN';
          if (status !== expected || code !== expectedCode) {
            mismatches.push(`${label}: ${status} ${code}, expected ${expected} ${expectedCode}`);
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(calls).toBe(operations.length * PRINCIPALS.length);
  }, 120_000);

  it('fails closed: a route without any declaration is refused with 403 for everyone, admin included', async () => {
    const guard = new AuthorizationGuard(
      new Reflector(),
      t.app.get(AuditService),
      t.app.get(getRepositoryToken(SyncOperation)),
    );
    class UndeclaredController {
      forgotten(): void {}
    }
    const context = {
      getType: () => 'http',
      getHandler: () => UndeclaredController.prototype.forgotten,
      getClass: () => UndeclaredController,
      switchToHttp: () => ({ getRequest: () => ({ method: 'GET', url: '/api/forgotten', headers: {} }) }),
    } as unknown as ExecutionContext;
    const refusal = await guard.canActivate(context).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ApiException);
    expect((refusal as ApiException).code).toBe('FORBIDDEN');
  });
});
