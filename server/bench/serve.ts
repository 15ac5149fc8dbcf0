// A server in a child process for the load benchmarks, so the load generator and the server each get a
// core. BENCH_SERVER=app runs the real server (config from the environment, as main.ts does);
// BENCH_SERVER=bare runs a Fastify route that only parses the check-in body and answers;
// BENCH_SERVER=floor a minimal Nest app with the same validation (bench/nest-floor.ts).
// The parent learns the port over IPC and sends 'stop' when done.
import * as fs from 'node:fs';
import { Session } from 'node:inspector';
import type { AddressInfo } from 'node:net';

import Fastify from 'fastify';

import { createApp, BODY_LIMIT_BYTES } from '../src/app';
import { loadConfig } from '../src/config/config';
import { startNestFloor } from './nest-floor';

interface Running {
  port: number;
  close: () => Promise<void>;
}

async function startApp(): Promise<Running> {
  const app = await createApp(loadConfig(process.env));
  await app.listen(0, '127.0.0.1');
  return { port: (app.getHttpServer().address() as AddressInfo).port, close: () => app.close() };
}

async function startBare(): Promise<Running> {
  const fastify = Fastify({ bodyLimit: BODY_LIMIT_BYTES });
  fastify.post<{ Params: { id: string }; Body: { content_hash?: unknown } }>(
    '/api/endpoints/:id/state',
    async (request) => ({
      known: typeof request.body?.content_hash === 'string',
      changed: false,
      state_id: request.params.id,
      sync_status: 'in_sync',
    }),
  );
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  return { port: (fastify.server.address() as AddressInfo).port, close: () => fastify.close() };
}

async function main(): Promise<void> {
  const mode = process.env.BENCH_SERVER;
  if (mode !== 'app' && mode !== 'bare' && mode !== 'floor')
    throw new Error(`BENCH_SERVER must be app, bare or floor, got ${mode}`);
  if (!process.send) throw new Error('bench/serve must be started with an IPC channel (child_process.fork)');
  const running =
    mode === 'app' ? await startApp() : mode === 'bare' ? await startBare() : await startNestFloor();
  const profiler = new Session();
  profiler.connect();
  process.on('message', (message: string | { profileStart?: true; profileStop?: string }) => {
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send?.({ cpuMicros: user + system });
    } else if (message === 'stop') {
      running.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    } else if (typeof message === 'object' && message.profileStart) {
      // Only the measured load, not the start-up or the seeding.
      profiler.post('Profiler.enable', () => profiler.post('Profiler.start'));
    } else if (typeof message === 'object' && message.profileStop) {
      const file = message.profileStop;
      profiler.post('Profiler.stop', (error, result) => {
        if (!error) fs.writeFileSync(file, JSON.stringify(result.profile));
        process.send?.({ profiled: file });
      });
    }
  });
  // The parent going away must not leave a server behind.
  process.on('disconnect', () => process.exit(0));
  process.send({ port: running.port });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench server failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
