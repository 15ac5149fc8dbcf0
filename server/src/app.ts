import 'reflect-metadata';

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';

import { AppModule } from './app.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { trustProxyFunction } from './common/client-address';
import { ErrorCode } from './common/errors/error-code';
import { LARGE_BODY_BYTES, yieldToEventLoop } from './common/event-loop';
import { assertSafeInputShape, mayHoldControlCharacters } from './common/request-shape';
import { writeRawError } from './common/raw-error-response';
import { serverSecurityHeaders } from './common/security-headers';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/config';
import { createRootLogger, PinoNestLogger, withSafeErrors } from './logging/logger';
import { buildOpenApiDocument } from './openapi/openapi';

/**
 * Largest request body: state and repository reports. A 15,000-package repository report is about
 * 1.5 MiB and a 2,000-package state with dependencies about 1 MiB; 16 MiB leaves ample headroom.
 */
export const BODY_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * One log line per request, written when it completes, instead of Fastify's two (incoming + completed):
 * at a fleet's check-in rate the log writes were a measurable share of each request's cost.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const fields = {
      method: request.method,
      url: request.url,
      statusCode: reply.statusCode,
      responseTime: reply.elapsedTime,
    };
    if (error) reply.log.error({ ...fields, err: error }, 'request errored');
    else reply.log.info(fields, 'request completed');
  }
}

export interface CreateAppOptions {
  /** Defaults to a pino logger at config.logLevel on stdout. */
  logger?: Logger;
}

/**
 * Builds and initialises the whole server without listening: main.ts listens on it, tests use
 * inject()/supertest or listen on port 0, and the OpenAPI script reads its routes.
 */
export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const logger = withSafeErrors(options.logger ?? createRootLogger(config.logLevel));
  const securityHeaders = serverSecurityHeaders(config);
  // Filled in once the app exists; Fastify calls frameworkErrors only for requests, which come later.
  const errors: { filter?: AllExceptionsFilter } = {};
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    logController: new OneLinePerRequest(),
    bodyLimit: BODY_LIMIT_BYTES,
    // While closing, requests already arriving on open connections are served (with Connection: close)
    // rather than refused with Fastify's own 503 body, which is not the API's error shape.
    return503OnClosing: false,
    // Who may set X-Forwarded-For (TRUST_PROXY); request.ip is what rate limits and the audit log see.
    trustProxy: config.trustProxy === false ? false : trustProxyFunction(config.trustProxy),
    // Malformed HTTP (a bad Content-Length, a broken request line) never becomes a request: Node's parser
    // refuses it. It too gets the one error shape and the security headers, not Fastify's own body.
    clientErrorHandler: (error: Error & { code?: string }, socket: Duplex) => {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const [status, message] =
        error.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'Request headers too large']
          : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? [408, 'Request timed out']
            : [400, 'Malformed HTTP request'];
      writeRawError(socket, status, ErrorCode.VALIDATION_ERROR, message, securityHeaders);
    },
    // Errors Fastify raises before routing (a malformed percent-encoding in the URL) get the one error shape.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      const { status, body, headers } = errors.filter!.toResponse(error, request);
      void reply.code(status).headers(headers).send(body);
    },
    genReqId: (request: IncomingMessage) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  app.setGlobalPrefix('api');
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: [...config.corsOrigins],
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
      exposedHeaders: ['Retry-After', 'X-Request-Id'],
      maxAge: 600,
    });
  }
  app.useGlobalPipes(createValidationPipe());
  errors.filter = new AllExceptionsFilter(app.get(HttpAdapterHost));
  app.useGlobalFilters(errors.filter);

  const fastify = app.getHttpAdapter().getInstance();
  // Bodies whose JSON text may hold a control character; the others skip the per-string text check.
  const bodiesToCheck = new WeakSet<object>();
  const largeBodies = new WeakSet<object>();
  fastify.addHook('preValidation', async (request) => {
    assertSafeInputShape(request.query, 'query');
    const large = largeBodies.has(request);
    if (large) await yieldToEventLoop();
    assertSafeInputShape(request.body, 'body', { checkText: bodiesToCheck.has(request) });
    if (large) await yieldToEventLoop();
  });
  // Every reply, errors and the console's files included, carries helmet's headers and the request id.
  fastify.addHook('onSend', async (request, reply, payload) => {
    reply.headers(securityHeaders);
    reply.header('x-request-id', request.id);
    return payload;
  });

  SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'api/docs-json',
    yamlDocumentUrl: 'api/docs-yaml',
  });

  await app.init();
  // Only JSON bodies are accepted. Nest registers a urlencoded parser and Fastify a text/plain one at
  // init; without them such bodies get 415 instead of being parsed into something validation must guess at.
  // (Fastify's own errors — malformed JSON, body too large — reach the global filter through Nest's
  // error handler, so they too have the one error shape.)
  fastify.removeContentTypeParser(['text/plain', 'application/x-www-form-urlencoded', 'application/json']);
  // An action route (sync, claim, cancel …) needs no body, and many HTTP clients still send
  // `Content-Type: application/json` with an empty one: that is "no body", not malformed JSON. Anything
  // else goes through Fastify's own parser, which also refuses __proto__/constructor poisoning.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES },
    (request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') return done(null, undefined);
      if (mayHoldControlCharacters(text)) bodiesToCheck.add(request);
      if (text.length >= LARGE_BODY_BYTES) largeBodies.add(request);
      parseJson(request, text, done);
    },
  );
  await fastify.ready();
  return app;
}
