import 'reflect-metadata';

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';

import { AppModule } from './app.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { assertSafeInputShape, mayHoldControlCharacters } from './common/request-shape';
import { securityHeaders } from './common/security-headers';
import { createValidationPipe } from './common/validation';
import { AppConfig, TrustProxy } from './config/config';
import { createRootLogger, PinoNestLogger } from './logging/logger';
import { buildOpenApiDocument } from './openapi/openapi';

/**
 * Largest request body: state and repository reports. A 15,000-package repository report is about
 * 1.5 MiB and a 2,000-package state with dependencies about 1 MiB; 16 MiB leaves ample headroom.
 */
export const BODY_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * Helmet's defaults with what Swagger UI (/api/docs) and the console need: their scripts are files from
 * this origin, their styles partly inline, and Swagger UI shows data: images. No third-party origin.
 */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  // Many fleets serve the console over plain HTTP on a LAN; upgrading its requests to HTTPS would break it.
  upgradeInsecureRequests: null,
};

const SECURITY_HEADERS = securityHeaders({ contentSecurityPolicy: { directives: CONTENT_SECURITY_POLICY } });

function fastifyTrustProxy(
  trust: TrustProxy,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust; // the nearest N hops, as proxy-addr counts
  return typeof trust === 'boolean' ? trust : [...trust];
}

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
  const logger = options.logger ?? createRootLogger(config.logLevel);
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
    trustProxy: fastifyTrustProxy(config.trustProxy),
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
  fastify.addHook('preValidation', async (request) => {
    assertSafeInputShape(request.query, 'query');
    assertSafeInputShape(request.body, 'body', { checkText: bodiesToCheck.has(request) });
  });
  // Every reply, errors and the console's files included, carries helmet's headers and the request id.
  fastify.addHook('onSend', async (request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
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
      parseJson(request, text, done);
    },
  );
  await fastify.ready();
  return app;
}
