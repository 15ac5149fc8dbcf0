import type { IncomingMessage } from 'node:http';

import proxyAddr from '@fastify/proxy-addr';

import type { TrustProxy } from '../config/config';

export type TrustFunction = (address: string, hop: number) => boolean;

/**
 * TRUST_PROXY as the one function that decides which hops may speak for the client: Fastify uses it for
 * request.ip, and the events gateway for WebSocket upgrades, which never reach Fastify.
 */
export function trustProxyFunction(trust: TrustProxy): TrustFunction {
  if (trust === true) return () => true;
  if (trust === false) return () => false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust; // the nearest N hops, as proxy-addr counts
  return proxyAddr.compile([...trust]);
}

/** The client address of a raw request (a WebSocket upgrade), derived as Fastify derives request.ip. */
export function rawClientAddress(request: IncomingMessage, trust: TrustFunction): string | null {
  const addresses = proxyAddr.all(request, trust);
  const address = addresses[addresses.length - 1];
  return typeof address === 'string' && address !== '' ? address.slice(0, 64) : null;
}
