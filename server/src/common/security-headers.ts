import type { IncomingMessage, ServerResponse } from 'node:http';

import helmet, { type HelmetOptions } from 'helmet';

import type { AppConfig } from '../config/config';

/**
 * Helmet's response headers for a fixed policy, computed once at start. Run per request (as
 * @fastify/helmet does), helmet rebuilt the same Content-Security-Policy string every time, about 4 % of
 * a check-in's cost; with no per-request input (no nonces) the result is always this same set.
 */
export function securityHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  let outcome: { error?: unknown } | undefined;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    outcome = { error };
  });
  // helmet's middleware is synchronous; should a future version not be, fail at start, not per request.
  if (!outcome) throw new Error('helmet did not finish synchronously; cannot precompute its headers');
  if (outcome.error) throw outcome.error;
  return Object.freeze(headers);
}

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

const byConfig = new WeakMap<object, Readonly<Record<string, string>>>();

/**
 * The headers every answer of this server carries: API replies, errors, the console's files, refused
 * WebSocket upgrades and answers to malformed HTTP. Strict-Transport-Security only with HSTS_MAX_AGE: TLS
 * usually ends at a proxy, which then owns HSTS, and a server reached over plain HTTP must not claim it.
 */
export function serverSecurityHeaders(
  config: Pick<AppConfig, 'hstsMaxAgeSeconds'>,
): Readonly<Record<string, string>> {
  let headers = byConfig.get(config);
  if (!headers) {
    headers = securityHeaders({
      contentSecurityPolicy: { directives: CONTENT_SECURITY_POLICY },
      strictTransportSecurity:
        config.hstsMaxAgeSeconds === null
          ? false
          : { maxAge: config.hstsMaxAgeSeconds, includeSubDomains: true },
    });
    byConfig.set(config, headers);
  }
  return headers;
}
