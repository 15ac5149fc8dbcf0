import type { IncomingMessage, ServerResponse } from 'node:http';

import helmet, { type HelmetOptions } from 'helmet';

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
