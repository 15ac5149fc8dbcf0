import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';

import { createApp } from '../../src/app';
import { AppConfig } from '../../src/config/config';
import { testConfig } from './test-database';

/** The first admin's password in tests (ADMIN_PASSWORD), unless a test passes its own. */
export const TEST_ADMIN_PASSWORD = 'test-admin-password-0123';

export type TestTokenRole = 'viewer' | 'ci' | 'admin';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  /** Sends the first admin's session token on every request. */
  http: TestAgent;
  /** Sends no token. */
  anonymous: TestAgent;
  /** The first admin's session token (a JWT from POST /api/auth/login). */
  adminToken: string;
  /** An agent sending `Authorization: Bearer <token>` on every request. */
  as: (token: string) => TestAgent;
  /** A new API token of that role, created through POST /api/tokens; its secret. */
  tokenFor: (
    role: TestTokenRole,
    options?: { can_enroll?: boolean; enroll_pool_id?: string; expires_at?: string },
  ) => Promise<string>;
  /** Registers an endpoint as the admin (hostname `<name>.lan` unless given); its id and endpoint token. */
  registerEndpoint: (
    name: string,
    options?: { hostname?: string; poolId?: string | null },
  ) => Promise<{ id: string; token: string }>;
  close: () => Promise<void>;
}

/**
 * The real app (createApp, as main.ts uses it) on a fresh database of the engine under test, with its
 * first admin logged in. API_RATE_LIMIT defaults to a value no test reaches; rate-limit tests set their own.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  overrides: Partial<AppConfig> = {},
): Promise<TestApp> {
  const { config: base, cleanup } = await testConfig({
    ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    API_RATE_LIMIT: '1000000',
    ...env,
  });
  const config = Object.freeze({ ...base, ...overrides });
  const app = await createApp(config);
  const server = app.getHttpServer();
  const as = (token: string) => request.agent(server).set('Authorization', `Bearer ${token}`);
  try {
    const login = await request(server)
      .post('/api/auth/login')
      .send({ username: 'admin', password: config.adminPassword ?? TEST_ADMIN_PASSWORD });
    if (login.status !== 200)
      throw new Error(`test admin login failed: ${login.status} ${JSON.stringify(login.body)}`);
    const adminToken = login.body.access_token as string;
    let tokenCount = 0;
    return {
      app,
      config,
      http: as(adminToken),
      anonymous: request.agent(server),
      adminToken,
      as,
      tokenFor: async (role, options = {}) => {
        tokenCount += 1;
        const created = await as(adminToken)
          .post('/api/tokens')
          .send({ name: `test-${role}-${tokenCount}`, role, ...options });
        if (created.status !== 201)
          throw new Error(`token creation failed: ${created.status} ${JSON.stringify(created.body)}`);
        return created.body.secret as string;
      },
      registerEndpoint: async (name, options = {}) => {
        const registered = await as(adminToken)
          .post('/api/endpoints')
          .send({
            name,
            hostname: options.hostname ?? `${name}.lan`,
            ...(options.poolId ? { pool_id: options.poolId } : {}),
          });
        if (registered.status !== 201)
          throw new Error(
            `endpoint registration failed: ${registered.status} ${JSON.stringify(registered.body)}`,
          );
        return { id: registered.body.endpoint.id as string, token: registered.body.token as string };
      },
      close: async () => {
        await app.close();
        cleanup();
      },
    };
  } catch (error) {
    await app.close();
    cleanup();
    throw error;
  }
}

/** Asserts the one error shape and returns its `error` object. */
export function expectError(
  response: { status: number; body: unknown },
  status: number,
  code: string,
): { code: string; message: string; details: Record<string, unknown> | null; timestamp: string } {
  const body = response.body as { error?: Record<string, unknown> };
  expect({ status: response.status, code: body?.error?.code }).toEqual({ status, code });
  expect(Object.keys(body).sort()).toEqual(['error']);
  expect(Object.keys(body.error!).sort()).toEqual(['code', 'details', 'message', 'timestamp']);
  expect(typeof body.error!.message).toBe('string');
  expect(new Date(body.error!.timestamp as string).toISOString()).toBe(body.error!.timestamp);
  return body.error as never;
}
