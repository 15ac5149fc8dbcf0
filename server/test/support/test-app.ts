import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';

import { createApp } from '../../src/app';
import { AppConfig } from '../../src/config/config';
import { testConfig } from './test-database';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  http: TestAgent;
  close: () => Promise<void>;
}

/** The real app (createApp, as main.ts uses it) on a fresh database of the engine under test. */
export async function startTestApp(
  env: Record<string, string> = {},
  overrides: Partial<AppConfig> = {},
): Promise<TestApp> {
  const { config: base, cleanup } = await testConfig(env);
  const config = Object.freeze({ ...base, ...overrides });
  const app = await createApp(config);
  return {
    app,
    config,
    http: request(app.getHttpServer()),
    close: async () => {
      await app.close();
      cleanup();
    },
  };
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
