import * as fs from 'node:fs';
import * as path from 'node:path';

import fastifyStatic from '@fastify/static';
import { Logger, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Where `npm run build -w admin-ui` puts the console (admin-ui/dist/browser), found from this file's place
 * in the checkout: server/dist/console/ when built, server/src/console/ under Jest.
 */
export const CONSOLE_DIRECTORY = path.resolve(__dirname, '..', '..', '..', 'admin-ui', 'dist', 'browser');

/** Hashed bundle names change with their content, so browsers may keep them; index.html must be re-read. */
const HASHED_ASSET = /-[A-Z0-9]{8}\.(js|css)$/;

/**
 * Serves the admin console's static files at `/`, and index.html for any other non-API GET so that deep
 * links (/pools/<id>) survive a reload. `/api/*` stays the API's: an unknown API path still gets the API's
 * own 404 in the one error shape. Without a built console the server runs API-only and says so once.
 */
@Module({})
export class ConsoleModule implements OnModuleInit {
  private readonly logger = new Logger('Console');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  async onModuleInit(): Promise<void> {
    const directory = CONSOLE_DIRECTORY;
    if (!fs.existsSync(path.join(directory, 'index.html'))) {
      this.logger.warn(
        `no admin console at ${directory} (run npm run build -w admin-ui); serving the API only`,
      );
      return;
    }
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // Queued, not awaited: awaiting register() here would boot Fastify's plugin tree in the middle of Nest's
    // init, so the API routes added afterwards would keep Fastify's default error handler and answer
    // malformed JSON or an oversized body outside the one error shape. Fastify loads it at ready().
    void fastify.register(fastifyStatic, {
      root: directory,
      prefix: '/',
      wildcard: false,
      index: false,
      setHeaders: (reply, filePath) => {
        reply.header(
          'cache-control',
          HASHED_ASSET.test(filePath) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
    fastify.get('/*', (request: FastifyRequest, reply: FastifyReply) => {
      const pathname = request.url.split('?')[0];
      if (pathname === '/api' || pathname.startsWith('/api/')) return reply.callNotFound();
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    });
  }
}
